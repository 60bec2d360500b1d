package iam_test

import (
	"reflect"
	"testing"

	"abacus/internal/op"
	"abacus/internal/protocol/shapecheck"
	"abacus/internal/service/iam"
)

// TestShapes checks every registered operation's input and output types
// against botocore's iam model, required members included. An operation
// whose model has no output shape has an empty output struct. It skips when
// botocore is not installed.
func TestShapes(t *testing.T) {
	c := shapecheck.New(t)
	m, err := c.Model("iam")
	if err != nil {
		t.Fatal(err)
	}
	var r op.Registry
	iam.Register(&r, iam.New(nil, iam.Options{}))
	for _, e := range r.Entries() {
		in := reflect.New(e.InputType()).Interface()
		var out any = reflect.New(e.OutputType()).Interface()
		if m.Operations[e.Name()].Output == nil {
			if n := e.OutputType().NumField(); n != 0 {
				t.Errorf("%s: the model has no output, but %s has %d fields", e.Name(), e.OutputType(), n)
			}
			out = nil
		}
		c.Check(t, "iam", e.Name(), in, out, shapecheck.Required())
	}
}
