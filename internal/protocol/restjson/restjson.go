// Package restjson implements AWS's REST-JSON protocol as EFS speaks it:
// path labels, headers and query parameters bound by the `aws` tag options
// of package protocol, the remaining members as one JSON object in the body,
// the HTTP status of the operation's binding, and JSON errors with the
// x-amzn-ErrorType header.
package restjson

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"

	"abacus/internal/apierr"
	"abacus/internal/protocol"
	"abacus/internal/protocol/awsjson"
)

// ContentType is the Content-Type of REST-JSON bodies.
const ContentType = "application/json"

// DecodeRequest fills in, a non-nil pointer to an operation's input struct:
// body members from the JSON body (as awsjson.Decode does, with its
// SerializationException and ValidationException errors), then the fields
// bound to path labels (labels, from routing), headers and query parameters.
// A bound value that does not parse is 400 BadRequest naming it.
func DecodeRequest(r *http.Request, body []byte, labels map[string]string, in any) *apierr.Error {
	if err := protocol.BindRequest(r, labels, in); err != nil {
		var be *protocol.BindError
		if errors.As(err, &be) {
			return apierr.Newf(http.StatusBadRequest, "BadRequest", "Invalid value %q for %s.", be.Value, be.Name)
		}
		return apierr.Internal(err)
	}
	if aerr := awsjson.Decode(body, in); aerr != nil {
		return aerr
	}
	return missingBound(in)
}

// missingBound reports required members bound outside the body that are
// absent (awsjson.Decode checks only body members).
func missingBound(in any) *apierr.Error {
	rv := reflect.ValueOf(in).Elem()
	fields, err := protocol.Fields(rv.Type())
	if err != nil {
		return apierr.Internal(err)
	}
	var missing []string
	for i := range fields {
		f := &fields[i]
		if !f.Required || f.Location == protocol.InBody {
			continue
		}
		fv, ok := protocol.FieldValue(rv, f.Index, false)
		if !ok || f.IsUnset(fv) || fv.IsZero() {
			missing = append(missing, protocol.ValidationPath(f.Name))
		}
	}
	return protocol.ValidationError(apierr.CodeValidationException, missing)
}

// WriteResponse writes out: its header-bound fields as headers, its body
// members as a JSON object, with the status of its statuscode field or else
// status (the operation's ResponseCode; 0 means 200). A 204 has no body. The
// x-amzn-RequestId header is set.
func WriteResponse(w http.ResponseWriter, requestID string, status int, out any) error {
	h := w.Header()
	bound, err := protocol.BindResponse(h, out)
	if err != nil {
		WriteError(w, requestID, apierr.Internal(err))
		return err
	}
	if bound != 0 {
		status = bound
	}
	if status == 0 {
		status = http.StatusOK
	}
	h.Set("x-amzn-RequestId", requestID)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return nil
	}
	body, err := awsjson.Marshal(out)
	if err != nil {
		h.Del("x-amzn-RequestId")
		WriteError(w, requestID, apierr.Internal(fmt.Errorf("restjson: %w", err)))
		return err
	}
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// WriteError writes e as awsjson does, with Content-Type application/json.
// Services whose modeled errors carry more members (EFS's ErrorCode) add them
// to e.Extra.
func WriteError(w http.ResponseWriter, requestID string, e *apierr.Error) {
	awsjson.WriteError(w, "", requestID, e)
}
