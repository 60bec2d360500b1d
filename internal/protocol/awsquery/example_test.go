package awsquery_test

import (
	"fmt"
	"net/url"
	"time"

	"abacus/internal/protocol/awsquery"
)

func ExampleDecode() {
	type Tag struct {
		Key   string `aws:",required"`
		Value string `aws:",required"`
	}
	type CreateRoleInput struct {
		RoleName                 string `aws:",required"`
		AssumeRolePolicyDocument string `aws:",required"`
		MaxSessionDuration       *int32
		Tags                     []Tag
	}
	vals, _ := url.ParseQuery("Action=CreateRole&Version=2010-05-08&RoleName=ml&AssumeRolePolicyDocument=%7B%7D" +
		"&Tags.member.1.Key=team&Tags.member.1.Value=a")
	var in CreateRoleInput
	if err := awsquery.Decode(vals, &in); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %v %+v\n", in.RoleName, in.AssumeRolePolicyDocument, in.MaxSessionDuration, in.Tags)

	err := awsquery.Decode(url.Values{"Action": {"CreateRole"}}, &in)
	fmt.Println(err.HTTPStatus, err)
	// Output:
	// ml {} <nil> [{Key:team Value:a}]
	// 400 ValidationError: 2 validation errors detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null; Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null
}

func ExampleMarshal() {
	type GetUserOutput struct {
		User struct {
			UserName   string
			CreateDate time.Time
		}
	}
	var out GetUserOutput
	out.User.UserName = "alice"
	out.User.CreateDate = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	b, _ := awsquery.Marshal("https://iam.amazonaws.com/doc/2010-05-08/", "GetUser", "req-1", &out)
	fmt.Print(string(b))
	// Output:
	// <GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
	//   <GetUserResult>
	//     <User>
	//       <UserName>alice</UserName>
	//       <CreateDate>2024-01-01T00:00:00Z</CreateDate>
	//     </User>
	//   </GetUserResult>
	//   <ResponseMetadata>
	//     <RequestId>req-1</RequestId>
	//   </ResponseMetadata>
	// </GetUserResponse>
}
