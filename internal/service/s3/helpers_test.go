package s3_test

import "reflect"

func newOf(t reflect.Type) any { return reflect.New(t).Interface() }
