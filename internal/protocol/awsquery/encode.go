package awsquery

import (
	"net/http"
	"reflect"
	"strconv"

	"abacus/internal/apierr"
	"abacus/internal/protocol/xmlcodec"
)

// ContentType is the Content-Type of Query protocol responses.
const ContentType = "text/xml"

// Marshal returns the response document of operation op of the service with
// XML namespace xmlns:
//
//	<OpResponse xmlns="...">
//	  <OpResult>...out's members...</OpResult>
//	  <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
//	</OpResponse>
//
// A nil out (an operation without an output shape, such as IAM's DeleteRole)
// has no Result element. Unset members are omitted.
func Marshal(xmlns, op, requestID string, out any) ([]byte, error) {
	e := xmlcodec.Encoder{Buf: make([]byte, 0, 512), Indent: "  "}
	e.Open(op+"Response", "xmlns", xmlns)
	v := reflect.ValueOf(out)
	if out != nil && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		e.Open(op + "Result")
		if err := e.Fields(v); err != nil {
			return nil, err
		}
		e.Close(op + "Result")
	}
	e.Open("ResponseMetadata")
	e.Leaf("RequestId", requestID)
	e.Close("ResponseMetadata")
	e.Close(op + "Response")
	e.Buf = append(e.Buf, '\n')
	return e.Bytes(), nil
}

// WriteResponse writes a 200 response with the body of [Marshal]. If out
// cannot be encoded (a programming error in the service's types) it writes
// InternalFailure and returns the cause.
func WriteResponse(w http.ResponseWriter, xmlns, op, requestID string, out any) error {
	body, err := Marshal(xmlns, op, requestID, out)
	if err != nil {
		WriteError(w, xmlns, requestID, apierr.Internal(err))
		return err
	}
	write(w, http.StatusOK, requestID, body)
	return nil
}

// ErrorBody returns e rendered as a Query ErrorResponse:
//
//	<ErrorResponse xmlns="...">
//	  <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>...</Message></Error>
//	  <RequestId>...</RequestId>
//	</ErrorResponse>
//
// e's extra fields follow Message inside Error.
func ErrorBody(xmlns, requestID string, e *apierr.Error) []byte {
	enc := xmlcodec.Encoder{Buf: make([]byte, 0, 256+len(e.Message)), Indent: "  "}
	enc.Open("ErrorResponse", "xmlns", xmlns)
	enc.Open("Error")
	enc.Leaf("Type", e.Fault.String())
	enc.Leaf("Code", e.Code)
	enc.Leaf("Message", e.Message)
	for _, f := range e.Extra {
		enc.Leaf(f.Name, f.Value)
	}
	enc.Close("Error")
	enc.Leaf("RequestId", requestID)
	enc.Close("ErrorResponse")
	enc.Buf = append(enc.Buf, '\n')
	return enc.Bytes()
}

// WriteError writes e with its HTTP status and the body of [ErrorBody].
func WriteError(w http.ResponseWriter, xmlns, requestID string, e *apierr.Error) {
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusInternalServerError
	}
	write(w, status, requestID, ErrorBody(xmlns, requestID, e))
}

func write(w http.ResponseWriter, status int, requestID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// InvalidAction returns the error a Query service sends for an Action it
// does not have: 400 InvalidAction "Could not find operation X for version
// Y".
func InvalidAction(action, version string) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.CodeInvalidAction,
		"Could not find operation %s for version %s", action, version)
}
