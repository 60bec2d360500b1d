package cloudtrail_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"abacus/internal/service/cloudtrail"
)

type botoModel struct {
	Metadata struct {
		Protocol     string `json:"protocol"`
		JSONVersion  string `json:"jsonVersion"`
		TargetPrefix string `json:"targetPrefix"`
	} `json:"metadata"`
	Operations map[string]struct {
		Input  struct{ Shape string }   `json:"input"`
		Output struct{ Shape string }   `json:"output"`
		Errors []struct{ Shape string } `json:"errors"`
	} `json:"operations"`
	Shapes map[string]struct {
		Type    string                            `json:"type"`
		Members map[string]struct{ Shape string } `json:"members"`
		Member  *struct{ Shape string }           `json:"member"`
		Enum    []string                          `json:"enum"`
		Min     *int                              `json:"min"`
		Max     *int                              `json:"max"`
	} `json:"shapes"`
}

// loadModel reads botocore's cloudtrail model, skipping when botocore is
// not installed.
func loadModel(t *testing.T) *botoModel {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found; botocore's cloudtrail model is needed for this test")
	}
	out, err := exec.Command(py, "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		t.Skip("botocore is not installed (pip install botocore); its cloudtrail model is needed for this test")
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "data", "cloudtrail", "2013-11-01")
	var r io.Reader
	if f, err := os.Open(filepath.Join(dir, "service-2.json")); err == nil {
		defer f.Close()
		r = f
	} else if f, err := os.Open(filepath.Join(dir, "service-2.json.gz")); err == nil {
		defer f.Close()
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	} else {
		t.Skipf("botocore has no cloudtrail 2013-11-01 model in %s", dir)
	}
	var m botoModel
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestShapesMatchBotocore checks the operation types against botocore's
// model: the protocol and target prefix, every member name and its type,
// the enum of lookup attribute keys and the error codes.
func TestShapesMatchBotocore(t *testing.T) {
	t.Parallel()
	m := loadModel(t)
	if m.Metadata.Protocol != "json" || m.Metadata.JSONVersion != "1.1" ||
		m.Metadata.TargetPrefix != "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101" {
		t.Errorf("metadata = %+v; the package documents JSON 1.1 with target prefix com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", m.Metadata)
	}
	opm, ok := m.Operations["LookupEvents"]
	if !ok {
		t.Fatal("no LookupEvents in the model")
	}
	var checkShape func(shape string, typ reflect.Type)
	checkShape = func(shape string, typ reflect.Type) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		s, ok := m.Shapes[shape]
		if !ok {
			t.Errorf("shape %s not in the model", shape)
			return
		}
		switch s.Type {
		case "structure":
			if typ.Kind() != reflect.Struct {
				t.Errorf("shape %s is a structure, Go type %v is not", shape, typ)
				return
			}
			var goNames, modelNames []string
			for i := range typ.NumField() {
				goNames = append(goNames, typ.Field(i).Name)
			}
			for name, mem := range s.Members {
				modelNames = append(modelNames, name)
				f, ok := typ.FieldByName(name)
				if !ok {
					continue
				}
				checkShape(mem.Shape, f.Type)
			}
			sort.Strings(goNames)
			sort.Strings(modelNames)
			if !slices.Equal(goNames, modelNames) {
				t.Errorf("%v members %v; model shape %s has %v", typ, goNames, shape, modelNames)
			}
		case "list":
			if typ.Kind() != reflect.Slice {
				t.Errorf("shape %s is a list, Go type %v is not", shape, typ)
				return
			}
			checkShape(s.Member.Shape, typ.Elem())
		case "string":
			if typ.Kind() != reflect.String {
				t.Errorf("shape %s is a string, Go type %v is not", shape, typ)
			}
		case "integer":
			if typ.Kind() != reflect.Int32 {
				t.Errorf("shape %s is an integer, Go type %v is not int32", shape, typ)
			}
		case "timestamp":
			if typ != reflect.TypeFor[time.Time]() {
				t.Errorf("shape %s is a timestamp, Go type %v is not time.Time", shape, typ)
			}
		default:
			t.Errorf("shape %s has type %s, not checked", shape, s.Type)
		}
	}
	checkShape(opm.Input.Shape, reflect.TypeFor[cloudtrail.LookupEventsInput]())
	checkShape(opm.Output.Shape, reflect.TypeFor[cloudtrail.LookupEventsOutput]())

	keys := m.Shapes["LookupAttributeKey"].Enum
	want := []string{
		cloudtrail.AttributeEventID, cloudtrail.AttributeEventName, cloudtrail.AttributeReadOnly, cloudtrail.AttributeUsername,
		cloudtrail.AttributeResourceType, cloudtrail.AttributeResourceName, cloudtrail.AttributeEventSource, cloudtrail.AttributeAccessKeyID,
	}
	sort.Strings(keys)
	sort.Strings(want)
	if !slices.Equal(keys, want) {
		t.Errorf("LookupAttributeKey enum %v, the package handles %v", keys, want)
	}
	if s := m.Shapes["MaxResults"]; s.Min == nil || *s.Min != 1 || s.Max == nil || *s.Max != 50 {
		t.Errorf("MaxResults bounds in the model changed: %+v", s)
	}
	if s := m.Shapes["LookupAttributeValue"]; s.Max == nil || *s.Max != 2000 {
		t.Errorf("LookupAttributeValue max in the model changed: %+v", s)
	}
	var errs []string
	for _, e := range opm.Errors {
		errs = append(errs, e.Shape)
	}
	for _, code := range []string{
		cloudtrail.CodeInvalidLookupAttributes, cloudtrail.CodeInvalidTimeRange, cloudtrail.CodeInvalidMaxResults,
		cloudtrail.CodeInvalidNextToken, cloudtrail.CodeInvalidEventCategory,
	} {
		if !slices.Contains(errs, code) {
			t.Errorf("error %s is not an error of LookupEvents in the model (%v)", code, errs)
		}
	}
}
