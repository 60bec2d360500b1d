package restxml

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/xmlcodec"
)

// MalformedXML returns S3's 400 MalformedXML error.
func MalformedXML() *apierr.Error {
	return apierr.New(http.StatusBadRequest, "MalformedXML",
		"The XML you provided was not well-formed or did not validate against our published schema")
}

// Unmarshal decodes an XML request body (CompleteMultipartUpload,
// DeleteObjects, Tagging, ...) into v, a non-nil pointer to a struct whose
// fields follow the convention of package protocol. Malformed XML, a value
// of the wrong type or an absent member tagged required is S3's 400
// MalformedXML. The root element's name is not checked.
func Unmarshal(body []byte, v any) *apierr.Error {
	_, missing, err := xmlcodec.Unmarshal(body, v)
	if err != nil {
		e := MalformedXML()
		e.Err = err
		return e
	}
	if len(missing) > 0 {
		e := MalformedXML()
		e.Err = fmt.Errorf("missing required members %v", missing)
		return e
	}
	return nil
}

// Marshal returns v as an S3 XML document whose root element is root, in
// the S3 namespace, with an XML declaration; timestamps carry milliseconds
// ("2024-01-01T12:00:00.000Z") as S3 writes them. Members bound to headers, the
// query string, the URI or the status code are not part of the document.
func Marshal(root string, v any) ([]byte, error) {
	e := xmlcodec.Encoder{Buf: append(make([]byte, 0, 512), xmlHeader...), Millis: true}
	attrs, err := xmlcodec.Attrs(reflect.ValueOf(v))
	if err != nil {
		return nil, err
	}
	e.Open(root, append([]string{"xmlns", Namespace}, attrs...)...)
	if err := e.Fields(reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	e.Close(root)
	return e.Bytes(), nil
}

// DecodeRequest fills in, a non-nil pointer to an operation's input struct,
// from r: fields tagged uri=Bucket and uri=Key (or any other label in
// labels) from the addressed bucket and key, header= fields from headers,
// headers= maps from every header with the prefix (keys lower-cased without
// the prefix, as S3 returns metadata), querystring= fields from the URL
// query, and a payload field from body: []byte takes it as is, a struct or
// pointer to struct is decoded as XML (an empty body leaves it unset).
// Values that do not parse are 400 InvalidArgument; a malformed XML payload,
// or an absent payload tagged required, is 400 MalformedXML; another absent
// member tagged required is 400 InvalidArgument naming it.
func DecodeRequest(r *http.Request, body []byte, labels map[string]string, in any) *apierr.Error {
	rv := reflect.ValueOf(in)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return apierr.Internal(fmt.Errorf("restxml: DecodeRequest needs a pointer to a struct, got %T", in))
	}
	fields, err := protocol.Fields(rv.Type())
	if err != nil {
		return apierr.Internal(err)
	}
	if err := protocol.BindRequest(r, labels, in); err != nil {
		var be *protocol.BindError
		if errors.As(err, &be) {
			return invalidArgument(be.Name, be.Value)
		}
		return apierr.Internal(err)
	}
	for i := range fields {
		f := &fields[i]
		if f.Location != protocol.InPayload {
			continue
		}
		fv, _ := protocol.FieldValue(rv.Elem(), f.Index, true)
		if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8 {
			if body != nil {
				fv.SetBytes(body)
			}
			continue
		}
		if len(body) == 0 {
			continue
		}
		target := fv
		if target.Kind() != reflect.Pointer {
			target = target.Addr()
		} else {
			target.Set(reflect.New(target.Type().Elem()))
		}
		if err := Unmarshal(body, target.Interface()); err != nil {
			return err
		}
	}
	for i := range fields {
		f := &fields[i]
		if !f.Required || f.Location == protocol.InBody {
			continue
		}
		fv, _ := protocol.FieldValue(rv.Elem(), f.Index, false)
		if !f.IsUnset(fv) && !fv.IsZero() {
			continue
		}
		if f.Location == protocol.InPayload {
			return MalformedXML()
		}
		return invalidArgument(f.LocationName, "")
	}
	return nil
}

func invalidArgument(name, value string) *apierr.Error {
	return apierr.New(http.StatusBadRequest, "InvalidArgument", "Invalid argument.").
		With("ArgumentName", name).With("ArgumentValue", value)
}

// WriteResponse writes out, an operation's output struct, as S3 does:
// header= fields become headers (timestamps RFC 1123), a headers= map
// becomes prefixed headers, a statuscode field sets the status (default
// 200), and the body is the payload field ([]byte or io.Reader written as
// is, the reader closed afterwards when it is an io.Closer; a struct encoded
// as XML named for the field) or, when there is none, the body members as an
// XML document named root (see [ResponseRoot]; "" writes no body). The
// x-amz-request-id and x-amz-id-2 headers are set. A nil out writes an empty
// 200 response.
func WriteResponse(w http.ResponseWriter, requestID, hostID, root string, out any) error {
	h := w.Header()
	h.Set("x-amz-request-id", requestID)
	h.Set("x-amz-id-2", hostID)
	rv := reflect.ValueOf(out)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Kind() != reflect.Struct {
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return nil
	}
	fields, err := protocol.Fields(rv.Type())
	if err != nil {
		return writeInternal(w, requestID, hostID, err)
	}
	status, err := protocol.BindResponse(h, out)
	if err != nil {
		return writeInternal(w, requestID, hostID, err)
	}
	if status == 0 {
		status = http.StatusOK
	}
	var body []byte
	var stream io.Reader
	hasPayload, hasBody := false, false
	for i := range fields {
		f := &fields[i]
		fv, ok := protocol.FieldValue(rv, f.Index, false)
		if !ok {
			continue
		}
		switch f.Location {
		case protocol.InBody:
			hasBody = true
		case protocol.InPayload:
			hasPayload = true
			if f.IsUnset(fv) {
				continue
			}
			switch x := fv.Interface().(type) {
			case []byte:
				body = x
			case io.Reader:
				stream = x
			default:
				b, err := Marshal(f.XMLName, x)
				if err != nil {
					return writeInternal(w, requestID, hostID, err)
				}
				body = b
				h.Set("Content-Type", ContentType)
			}
		}
	}
	if !hasPayload && hasBody && root != "" {
		b, err := Marshal(root, rv.Interface())
		if err != nil {
			return writeInternal(w, requestID, hostID, err)
		}
		body = b
		h.Set("Content-Type", ContentType)
	}
	if stream != nil {
		if c, ok := stream.(io.Closer); ok {
			defer c.Close()
		}
		w.WriteHeader(status)
		_, err := io.Copy(w, stream)
		return err
	}
	if h.Get("Content-Length") == "" {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

func writeInternal(w http.ResponseWriter, requestID, hostID string, err error) error {
	WriteError(w, http.MethodGet, requestID, hostID, apierr.Internal(err))
	return err
}
