package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/chatlift/chatlift"
)

// statusOf maps each chatlift error code to its HTTP status.
var statusOf = map[string]int{
	chatlift.EINVALID:      http.StatusBadRequest,
	chatlift.ENOTFOUND:     http.StatusNotFound,
	chatlift.ECONFLICT:     http.StatusConflict,
	chatlift.EUNAUTHORIZED: http.StatusUnauthorized,
	chatlift.EFORBIDDEN:    http.StatusForbidden,
	chatlift.EUNAVAILABLE:  http.StatusServiceUnavailable,
	chatlift.EINTERNAL:     http.StatusInternalServerError,
	chatlift.ETOOLARGE:     http.StatusRequestEntityTooLarge,
}

// ErrorResponse is the body of every error response.
type ErrorResponse struct {
	Error       string `json:"error"`
	Description string `json:"description"`
}

// writeError sends err in the error shape; internal errors are logged.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code, msg := chatlift.ErrorCode(err), chatlift.ErrorMessage(err)
	if code == chatlift.EINTERNAL {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if code == chatlift.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="chatlift"`)
	}
	writeJSON(w, status, ErrorResponse{Error: code, Description: msg})
}

// writeJSON sends v as JSON with the status. v is encoded before anything
// is sent: a value that cannot be encoded is answered 500 in the error shape
// (never an empty or partial 200) and reported to the route's recorder,
// which logs it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		if f, ok := w.(encodeFailer); ok {
			f.encodeFailed(fmt.Errorf("encode a %d response: %w", status, err))
		}
		buf.Reset()
		status = http.StatusInternalServerError
		json.NewEncoder(&buf).Encode(ErrorResponse{Error: chatlift.EINTERNAL, Description: "internal error"})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) // the client may be gone; nothing to do about it here
}

// encodeFailer is told of a response that could not be encoded.
type encodeFailer interface{ encodeFailed(err error) }

// decode reads one JSON object from the body into v, rejecting unknown
// fields and trailing data with EINVALID and a body over the server's limit
// (Server.MaxBodyBytes) with ETOOLARGE.
func decode(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	return strictUnmarshal(b, v)
}

// readBody reads the request body, of at most the server's limit.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if tooLarge := bodyTooLarge(err); tooLarge != nil {
		return nil, tooLarge
	} else if err != nil {
		return nil, chatlift.Errorf(chatlift.EINVALID, "could not read the request body")
	}
	return b, nil
}

// bodyTooLarge is ETOOLARGE when err says the body went over the limit.
func bodyTooLarge(err error) error {
	var max *http.MaxBytesError
	if errors.As(err, &max) {
		return chatlift.Errorf(chatlift.ETOOLARGE, "request body is larger than %d bytes", max.Limit)
	}
	return nil
}

// strictUnmarshal is decode for JSON already in memory.
func strictUnmarshal(data []byte, v any) error {
	return decodeJSON(bytes.NewReader(data), v)
}

func decodeJSON(r io.Reader, v any) error { return decodeJSONFields(r, v, true) }

// decodeJSONFields decodes one JSON value from r into v; strict refuses
// fields v does not have, else they are ignored. Wrong types are EINVALID
// either way.
func decodeJSONFields(r io.Reader, v any, strict bool) error {
	dec := json.NewDecoder(r)
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return chatlift.Errorf(chatlift.EINVALID, "request body must be a JSON object")
		case errors.As(err, &syn):
			return chatlift.Errorf(chatlift.EINVALID, "malformed JSON at byte %d", syn.Offset)
		case errors.As(err, &typ):
			return chatlift.Errorf(chatlift.EINVALID, "field %q must be %s", typ.Field, typ.Type)
		}
		return chatlift.Errorf(chatlift.EINVALID, "invalid request body: %s", err.Error())
	}
	if dec.More() {
		return chatlift.Errorf(chatlift.EINVALID, "request body must hold one JSON object")
	}
	return nil
}
