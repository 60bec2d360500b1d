package s3_test

import (
	"context"
	"io"
	"reflect"
	"testing"

	"abacus/internal/service/s3"
)

func newOf(t reflect.Type) any { return reflect.New(t).Interface() }

func readAll(t *testing.T, svc *s3.Service, bucket, key string) string {
	t.Helper()
	out, err := svc.GetObject(context.Background(), call(acct), &s3.GetObjectInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
