package server

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/restxml"
	"abacus/internal/protocol/route"
)

// S3 specifics of the pipeline: object data streams in and out instead of
// being buffered, XML bodies (DeleteObjects, CompleteMultipartUpload,
// tagging, policies) are read bounded and checked against Content-MD5,
// responses use S3's document names and status codes, and a 304 carries
// no body.

var readerType = reflect.TypeFor[io.Reader]()

// s3Body is an S3 request body handed to a service as its io.Reader
// payload. Once read to EOF it offers the aws-chunked trailer (flexible
// checksums sent after the data), which the service verifies.
type s3Body struct {
	io.ReadCloser
	trailer http.Header
	names   []string
}

// Trailer returns a trailing header of the payload, or "".
func (b *s3Body) Trailer(name string) string {
	if b.trailer == nil {
		return ""
	}
	return b.trailer.Get(name)
}

// TrailerNames returns the names announced in x-amz-trailer.
func (b *s3Body) TrailerNames() []string { return b.names }

// payloadField returns the index path of in's payload field when its type
// is io.Reader (streamed object data).
func payloadStream(in any) ([]int, bool) {
	rv := reflect.ValueOf(in)
	fields, err := protocol.Fields(rv.Type())
	if err != nil {
		return nil, false
	}
	for i := range fields {
		f := &fields[i]
		if f.Location == protocol.InPayload && f.Type == readerType {
			return f.Index, true
		}
	}
	return nil, false
}

// decodeS3 decodes an S3 request. An io.Reader payload gets the verified
// body stream; any other body is read (bounded), its Content-MD5 checked,
// and decoded.
func (x *exchange) decodeS3(rt route.Route, in any, trailer http.Header) *apierr.Error {
	r := x.r
	if idx, ok := payloadStream(in); ok {
		if aerr := restxml.DecodeRequest(r, nil, rt.Labels, in); aerr != nil {
			return aerr
		}
		body := &s3Body{ReadCloser: r.Body, trailer: trailer}
		for _, v := range r.Header.Values("X-Amz-Trailer") {
			for name := range strings.SplitSeq(v, ",") {
				if name = strings.TrimSpace(name); name != "" {
					body.names = append(body.names, name)
				}
			}
		}
		fv, _ := protocol.FieldValue(reflect.ValueOf(in).Elem(), idx, true)
		fv.Set(reflect.ValueOf(body))
		return nil
	}
	body, aerr := readBody(r, x.s.opt.MaxBodyBytes)
	if aerr != nil {
		return aerr
	}
	if md := r.Header.Get("Content-Md5"); md != "" {
		want, err := base64.StdEncoding.DecodeString(md)
		if err != nil || len(want) != md5.Size {
			return apierr.New(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified was invalid.")
		}
		if got := md5.Sum(body); !bytes.Equal(got[:], want) {
			return apierr.New(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	return restxml.DecodeRequest(r, body, rt.Labels, in)
}

// statusWriter replaces the 200 a codec writes with the operation's own
// status (204 for deletes, 206 for ranges).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if code == http.StatusOK && w.status != 0 {
		code = w.status
	}
	w.ResponseWriter.WriteHeader(code)
}

// ReadFrom lets io.Copy use the underlying writer's fast path.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(w.ResponseWriter, r)
}

// httpStatuser is an output that chooses its own status (GetObject's 206).
type httpStatuser interface{ HTTPStatus() int }

// writeS3Output writes an S3 operation's output with S3's root element
// names and the operation's status code.
func (x *exchange) writeS3Output(op *protocol.Operation, out any) error {
	root, ok := restxml.ResponseRoot(x.opName)
	if !ok {
		root = x.opName + "Result"
	}
	w := &statusWriter{ResponseWriter: x.w}
	if op != nil && op.ResponseCode != 0 {
		w.status = op.ResponseCode
	}
	if st, ok := out.(httpStatuser); ok && st.HTTPStatus() != http.StatusOK {
		w.status = st.HTTPStatus()
	}
	if x.opName == "GetBucketLocation" {
		return x.writeS3Location(w, out)
	}
	return restxml.WriteResponse(w, x.reqID, x.hostID, root, out)
}

// writeS3Location writes GetBucketLocation's document, whose root element
// is the LocationConstraint member itself:
// <LocationConstraint xmlns="...">eu-west-1</LocationConstraint>, empty for
// us-east-1.
func (x *exchange) writeS3Location(w http.ResponseWriter, out any) error {
	var lc string
	rv := reflect.Indirect(reflect.ValueOf(out))
	if rv.Kind() == reflect.Struct {
		if f := rv.FieldByName("LocationConstraint"); f.IsValid() && f.Kind() == reflect.Pointer && !f.IsNil() {
			lc = f.Elem().String()
		}
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<LocationConstraint xmlns="` + restxml.Namespace + `">`)
	_ = xml.EscapeText(&b, []byte(lc))
	b.WriteString("</LocationConstraint>")
	h := w.Header()
	h.Set("x-amz-request-id", x.reqID)
	h.Set("x-amz-id-2", x.hostID)
	h.Set("Content-Type", restxml.ContentType)
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b.Bytes())
	return err
}

// writeS3NotModified answers 304 with the validators and no body.
func (x *exchange) writeS3NotModified(e *apierr.Error) {
	h := x.w.Header()
	h.Set("x-amz-request-id", x.reqID)
	h.Set("x-amz-id-2", x.hostID)
	for _, f := range e.Extra {
		if f.Name == "ETag" {
			h.Set("ETag", f.Value)
		}
	}
	x.w.WriteHeader(http.StatusNotModified)
}

// closePayload closes an output's streamed payload (GetObject's open
// object files) when the output will not be written, as when its audit
// event could not be recorded.
func closePayload(out any) {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return
	}
	fields, err := protocol.Fields(rv.Elem().Type())
	if err != nil {
		return
	}
	for i := range fields {
		f := &fields[i]
		if f.Location != protocol.InPayload {
			continue
		}
		fv, ok := protocol.FieldValue(rv.Elem(), f.Index, false)
		if !ok || fv.Kind() != reflect.Interface || fv.IsNil() {
			continue
		}
		if c, ok := fv.Interface().(io.Closer); ok {
			c.Close()
		}
	}
}
