// Package protocol is the wire layer between HTTP and the services: it
// identifies which service and operation a request addresses and, through its
// subpackages, decodes operation inputs and encodes outputs and errors in the
// protocol each AWS service speaks:
//
//	awsjson     JSON 1.0/1.1 (SageMaker, Secrets Manager, EMR, FSx, CloudTrail)
//	awsquery    Query: form-encoded input, XML output (IAM, STS)
//	restxml     REST-XML (S3): addressing, bindings, XML bodies, S3 errors
//	restjson    REST-JSON (EFS): bindings, JSON bodies, status codes
//	route       service and operation of an *http.Request; WriteError in its shape
//	xmlcodec    the XML encoder and decoder awsquery and restxml share
//	shapecheck  test helper: do Go types agree with botocore's model?
//	botocoretest test helper: botocore's serializers and parsers from Go tests
//
// The service metadata (protocol, target prefix, signing name, XML namespace,
// API version, operations and their HTTP bindings) is generated from
// botocore's service models by `go generate ./internal/protocol` (see gen/)
// and committed in services_gen.go, so building never needs Python.
//
// A server handles one request in this order (errors are *apierr.Error and
// are written by route.WriteError in the identified service's shape):
//
//	body, err := protocol.ReadBody(r, limit)          // 413 beyond limit
//	rt, err := router.Identify(r, body)              // route.New(route.Options{})
//	switch rt.Service.Protocol {
//	case protocol.Query:
//		err = awsquery.Decode(rt.Params, &in)
//		awsquery.WriteResponse(w, rt.Service.XMLNamespace, rt.Operation.Name, reqID, out) // out nil when rt.Operation.NoOutput
//	case protocol.JSON:
//		err = awsjson.Decode(body, &in)
//		awsjson.WriteResponse(w, rt.Service.JSONVersion, reqID, &out)
//	case protocol.RESTXML:
//		err = restxml.DecodeRequest(r, body, rt.Labels, &in)
//		restxml.WriteResponse(w, reqID, hostID, "ListBucketResult", &out)
//	case protocol.RESTJSON:
//		err = restjson.DecodeRequest(r, body, rt.Labels, &in)
//		restjson.WriteResponse(w, reqID, rt.Operation.ResponseCode, &out)
//	}
//
// # The convention for operation types
//
// Services never import this package: they take and return plain Go structs,
// one input and one output struct per operation. The codecs map those structs
// to the wire by reflection, following these rules, so a service author writes
// only the struct.
//
//   - A field's name is the member name in the botocore model (the shape's
//     member key, e.g. RoleName, AssumeRolePolicyDocument). When a Go name
//     cannot match, the first element of an `aws:"Name"` tag overrides it:
//     STS's lower-case "arn", or a Go initialism (RoleID `aws:"RoleId"`).
//     `aws:"-"` excludes a field. Unexported fields are ignored; an embedded
//     struct's fields are promoted as in encoding/json.
//   - Types follow the model: string and enum -> string (or a named string
//     type); integer -> int32, long -> int64 (int is accepted); boolean -> bool;
//     float/double -> float32/float64; timestamp -> time.Time; blob -> []byte;
//     list -> slice; map -> map[string]T; structure -> struct; document (JSON
//     only) -> any.
//   - Presence. A nil pointer, nil slice or nil map is "unset": encoders never
//     emit it and decoders leave it nil when the member is absent. A non-nil
//     empty slice or map is emitted as an empty list or map (AWS and Terraform
//     tell an empty list from an absent one). A non-pointer scalar, struct or
//     time is always emitted, unless the tag says omitempty, in which case its
//     zero value is unset. So: use pointers (or omitempty) for optional members
//     whose zero value is meaningful, e.g. MaxSessionDuration *int32 or
//     IsTruncated bool (always sent by IAM) versus Description *string.
//   - The tag option required makes a decoder reject a request that lacks the
//     member with the protocol's validation error ("1 validation error
//     detected: Value null at 'roleName' failed to satisfy constraint: Member
//     must not be null"); the shape checker can report required members that
//     are not tagged so.
//   - Timestamps are encoded per protocol: JSON as epoch seconds (a number,
//     with milliseconds when non-zero), Query and REST-XML bodies as ISO 8601
//     ("2024-01-01T00:00:00Z", milliseconds when non-zero), REST headers as RFC
//     1123. Decoders accept all three forms. The option timestamp=iso8601,
//     timestamp=unixTimestamp or timestamp=rfc822 overrides the default, as a
//     model's timestampFormat does.
//   - Lists in Query and XML: by default a list is wrapped, its elements named
//     member (Query input Tags.member.1.Key, XML output
//     <Tags><member>...</member></Tags>). member=Tag renames the element
//     (S3's <TagSet><Tag>...</Tag></TagSet>); flattened repeats the element
//     itself (S3's <Contents>...</Contents><Contents>...</Contents>, Query
//     Name.1). Maps are <entry><key/><value/></entry> (Query Name.entry.1.key);
//     key=Name and value=Value rename them. IAM's "tag maps" are lists of Tag
//     structs in the model, so they are []Tag here, not maps.
//   - REST bindings (restxml): header=X-Amz-Foo, headers=x-amz-meta- (a
//     map[string]string of every header with that prefix), querystring=prefix,
//     uri=Key (a path label), payload (the body: []byte, io.Reader, or a struct
//     encoded as XML), statuscode (an int field receiving the HTTP status).
//     Untagged fields are body members.
//   - xml=Name renames the XML element of a member (a model's locationName)
//     and xmlattr makes it an attribute.
//
// Example: IAM's CreateRole, whose model has the members Path,
// RoleName (required), AssumeRolePolicyDocument (required), Description,
// MaxSessionDuration, PermissionsBoundary and Tags:
//
//	type Tag struct {
//		Key   string `aws:",required"`
//		Value string `aws:",required"`
//	}
//
//	type CreateRoleInput struct {
//		Path                     *string
//		RoleName                 string `aws:",required"`
//		AssumeRolePolicyDocument string `aws:",required"`
//		Description              *string
//		MaxSessionDuration       *int32
//		PermissionsBoundary      *string
//		Tags                     []Tag
//	}
//
//	type Role struct {
//		Path                     string
//		RoleName                 string
//		RoleId                   string
//		Arn                      string
//		CreateDate               time.Time
//		AssumeRolePolicyDocument string `aws:",omitempty"`
//		Description              *string
//		MaxSessionDuration       *int32
//		Tags                     []Tag
//		RoleLastUsed             *RoleLastUsed
//	}
//
//	type CreateRoleOutput struct {
//		Role Role
//	}
//
// awsquery decodes "Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=...&
// Tags.member.1.Key=team&Tags.member.1.Value=ml" into CreateRoleInput, and
// encodes CreateRoleOutput as
//
//	<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
//	  <CreateRoleResult><Role><Path>/</Path>...<CreateDate>2024-01-01T00:00:00Z</CreateDate>
//	  </Role></CreateRoleResult>
//	  <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
//	</CreateRoleResponse>
//
// The same structs serve awsjson (SageMaker, Secrets Manager): member names
// become JSON keys and timestamps epoch seconds.
//
// A member whose model name is not a Go-style name keeps its model name in
// the tag: STS's PolicyDescriptorType is
//
//	type PolicyDescriptor struct {
//		Arn *string `aws:"arn"`
//	}
//
// S3's PutObjectTagging shows the REST bindings:
//
//	type PutObjectTaggingInput struct {
//		Bucket    string   `aws:",uri=Bucket"`
//		Key       string   `aws:",uri=Key"`
//		VersionId *string  `aws:",querystring=versionId"`
//		Tagging   *Tagging `aws:",required,payload"`
//	}
//
//	type Tagging struct {
//		TagSet []Tag `aws:",required,member=Tag"`
//	}
//
// Every service test should assert that its structs agree with botocore's
// model:
//
//	shapecheck.New(t).Check(t, "iam", "CreateRole", &CreateRoleInput{}, &CreateRoleOutput{}, shapecheck.Required())
//
// # Errors
//
// Every codec renders *apierr.Error in its protocol's shape: awsjson as
// {"__type": Code, "message": Message} with the x-amzn-ErrorType header;
// awsquery as <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>;
// restxml as S3's <Error><Code/><Message/>...<RequestId/><HostId/></Error>. The
// decoders return *apierr.Error values only, so the server can encode them
// without mapping.
package protocol
