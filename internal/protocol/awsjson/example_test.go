package awsjson_test

import (
	"fmt"
	"time"

	"abacus/internal/protocol/awsjson"
)

func ExampleMarshal() {
	type DescribeNotebookInstanceOutput struct {
		NotebookInstanceName *string
		NotebookInstanceArn  *string
		Url                  *string
		CreationTime         *time.Time
		LastModifiedTime     *time.Time
	}
	name := "nb-alice"
	created := time.Date(2024, 1, 1, 0, 0, 0, 250e6, time.UTC)
	b, _ := awsjson.Marshal(&DescribeNotebookInstanceOutput{NotebookInstanceName: &name, CreationTime: &created})
	fmt.Println(string(b))
	// Output:
	// {"NotebookInstanceName":"nb-alice","CreationTime":1704067200.25}
}

func ExampleDecode() {
	type StopNotebookInstanceInput struct {
		NotebookInstanceName string `aws:",required"`
	}
	var in StopNotebookInstanceInput
	fmt.Println(awsjson.Decode([]byte(`{"NotebookInstanceName":["x"]}`), &in))
	fmt.Println(awsjson.Decode([]byte(`{}`), &in))
	// Output:
	// SerializationException: Expected a string for member 'NotebookInstanceName' but found an array
	// ValidationException: 1 validation error detected: Value null at 'notebookInstanceName' failed to satisfy constraint: Member must not be null
}
