package route

import (
	"net/http"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsjson"
	"abacus/internal/protocol/awsquery"
	"abacus/internal/protocol/restjson"
	"abacus/internal/protocol/restxml"
)

// WriteError writes e in the error shape of svc's protocol: Query
// ErrorResponse in svc's namespace, JSON {"__type","message"} with
// x-amzn-ErrorType, REST-JSON the same as application/json, and S3's
// <Error> (no body for HEAD). A nil svc, when no service could be told,
// gets S3's shape, as routing defaults to S3. The request ID is also S3's
// x-amz-id-2. This is the one place a server needs to render an error it
// got before or after the service ran, a recovered panic included
// (apierr.Internal).
func WriteError(w http.ResponseWriter, r *http.Request, svc *protocol.Service, requestID string, e *apierr.Error) {
	if svc == nil {
		restxml.WriteError(w, r.Method, requestID, requestID, e)
		return
	}
	switch svc.Protocol {
	case protocol.Query:
		awsquery.WriteError(w, svc.XMLNamespace, requestID, e)
	case protocol.JSON:
		awsjson.WriteError(w, svc.JSONVersion, requestID, e)
	case protocol.RESTJSON:
		restjson.WriteError(w, requestID, e)
	default:
		restxml.WriteError(w, r.Method, requestID, requestID, e)
	}
}
