package restxml

import (
	"net/http"
	"strconv"

	"abacus/internal/apierr"
	"abacus/internal/protocol/xmlcodec"
)

// Namespace is the XML namespace of S3 documents.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// ContentType is the Content-Type of S3 XML bodies.
const ContentType = "application/xml"

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// ErrorBody returns e in S3's error shape:
//
//	<?xml version="1.0" encoding="UTF-8"?>
//	<Error><Code>NoSuchKey</Code><Message>...</Message><Key>k</Key><RequestId>...</RequestId><HostId>...</HostId></Error>
//
// e's extra fields (BucketName, Key, Resource, ...) come between Message and
// RequestId, in order.
func ErrorBody(requestID, hostID string, e *apierr.Error) []byte {
	enc := xmlcodec.Encoder{Buf: append(make([]byte, 0, 256+len(e.Message)), xmlHeader...)}
	enc.Open("Error")
	enc.Leaf("Code", e.Code)
	enc.Leaf("Message", e.Message)
	for _, f := range e.Extra {
		enc.Leaf(f.Name, f.Value)
	}
	enc.Leaf("RequestId", requestID)
	enc.Leaf("HostId", hostID)
	enc.Close("Error")
	return enc.Bytes()
}

// WriteError writes e with its HTTP status and the x-amz-request-id and
// x-amz-id-2 headers. Responses to HEAD requests have no body, as S3 sends
// none (clients then read the code from the status alone). The generic
// InternalFailure of apierr.Internal (a recovered panic, an unmapped error)
// is sent as S3 spells it: InternalError, "We encountered an internal
// error. Please try again."
func WriteError(w http.ResponseWriter, method, requestID, hostID string, e *apierr.Error) {
	if e.Code == apierr.CodeInternalFailure {
		c := *e
		c.Code = apierr.CodeInternalError
		c.Message = "We encountered an internal error. Please try again."
		e = &c
	}
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("x-amz-request-id", requestID)
	h.Set("x-amz-id-2", hostID)
	if method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	body := ErrorBody(requestID, hostID, e)
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
