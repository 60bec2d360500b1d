package xmlcodec_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"abacus/internal/protocol/xmlcodec"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    *xmlcodec.Node
		wantErr bool
	}{
		{name: "text split by comments", in: "<a>x<!-- c -->y<![CDATA[<z>]]></a>", want: &xmlcodec.Node{Name: "a", Text: "xy<z>"}},
		{name: "namespaces dropped", in: `<s:a xmlns:s="urn:x"><s:b>1</s:b></s:a>`, want: &xmlcodec.Node{Name: "a", Children: []*xmlcodec.Node{{Name: "b", Text: "1"}}}},
		{name: "entities", in: "<a>&amp;&lt;&#13;&quot;</a>", want: &xmlcodec.Node{Name: "a", Text: "&<\r\""}},
		{name: "too deep", in: strings.Repeat("<a>", xmlcodec.MaxDepth+1) + strings.Repeat("</a>", xmlcodec.MaxDepth+1), wantErr: true},
		{name: "max depth", in: strings.Repeat("<a>", xmlcodec.MaxDepth) + strings.Repeat("</a>", xmlcodec.MaxDepth)},
		{name: "text outside root", in: "x<a/>", wantErr: true},
		{name: "no root", in: "  ", wantErr: true},
		{name: "unclosed", in: "<a>", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := xmlcodec.Parse([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse error = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(xmlcodec.Node{}, "Attrs")); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestParseManyTextChunks guards against quadratic text accumulation: a
// body of many comment-separated chunks must parse quickly enough for the
// test to finish (the body limit allows millions of chunks).
func TestParseManyTextChunks(t *testing.T) {
	t.Parallel()
	in := "<a>" + strings.Repeat("xy<!---->", 200000) + "</a>"
	n, err := xmlcodec.Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Text) != 400000 {
		t.Errorf("text length = %d", len(n.Text))
	}
}

func TestEncoderEscaping(t *testing.T) {
	t.Parallel()
	var e xmlcodec.Encoder
	e.Leaf("K", "a&b<c>\"d'\r\n\te\x01\xff")
	want := "<K>a&amp;b&lt;c&gt;&quot;d'&#13;\n\te\uFFFD\uFFFD</K>"
	if got := string(e.Bytes()); got != want {
		t.Errorf("Leaf = %q, want %q", got, want)
	}
	n, err := xmlcodec.Parse(e.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if n.Text != "a&b<c>\"d'\r\n\te\uFFFD\uFFFD" {
		t.Errorf("parsed back %q", n.Text)
	}
}

type inner struct {
	ID   string `aws:",xmlattr"`
	Name string
}

type outer struct {
	Items   []inner           `aws:",member=Item"`
	Flat    []string          `aws:",flattened,xml=F"`
	Attrs   map[string]string `aws:",key=Name,value=Value"`
	Empty   []string
	Absent  []string
	Nothing *inner
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	in := outer{
		Items: []inner{{ID: "1", Name: "a"}, {ID: "2"}},
		Flat:  []string{"x", "y"},
		Attrs: map[string]string{"b": "2", "a": "1"},
		Empty: []string{},
	}
	e := xmlcodec.Encoder{}
	e.Open("Root")
	if err := e.Fields(reflect.ValueOf(in)); err != nil {
		t.Fatal(err)
	}
	e.Close("Root")
	wantXML := `<Root><Items><Item ID="1"><Name>a</Name></Item><Item ID="2"><Name></Name></Item></Items><F>x</F><F>y</F>` +
		`<Attrs><entry><Name>a</Name><Value>1</Value></entry><entry><Name>b</Name><Value>2</Value></entry></Attrs><Empty></Empty></Root>`
	if got := string(e.Bytes()); got != wantXML {
		t.Errorf("encoded\n%s\nwant\n%s", got, wantXML)
	}
	var out outer
	root, missing, err := xmlcodec.Unmarshal(e.Bytes(), &out)
	if err != nil || root != "Root" || len(missing) != 0 {
		t.Fatalf("Unmarshal = %q, %v, %v", root, missing, err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}
