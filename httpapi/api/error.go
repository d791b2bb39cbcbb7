package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/chatlift/chatlift"
)

// StatusOf maps each chatlift error code to its HTTP status.
var StatusOf = map[string]int{
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

// WriteError sends err in the error shape; internal errors are logged.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code, msg := chatlift.ErrorCode(err), chatlift.ErrorMessage(err)
	if code == chatlift.EINTERNAL {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	status, ok := StatusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	switch code {
	case chatlift.EUNAUTHORIZED:
		w.Header().Set("WWW-Authenticate", `Bearer realm="chatlift"`)
	case chatlift.EUNAVAILABLE:
		RetryLater(w)
	}
	WriteJSON(w, status, ErrorResponse{Error: code, Description: msg})
}

// RetryLater tells the client of an unavailable answer when to ask again:
// in ChatRetryAfter, unless the answer already says.
func RetryLater(w http.ResponseWriter) {
	if w.Header().Get("Retry-After") == "" {
		(&Throttled{Wait: ChatRetryAfter}).SetRetryAfter(w)
	}
}

// WriteJSON sends v as JSON with the status. v is encoded before anything
// is sent: a value that cannot be encoded is answered 500 in the error shape
// (never an empty or partial 200) and reported to the route's recorder,
// which logs it.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		if f, ok := w.(EncodeFailer); ok {
			f.EncodeFailed(fmt.Errorf("encode a %d response: %w", status, err))
		}
		buf.Reset()
		status = http.StatusInternalServerError
		json.NewEncoder(&buf).Encode(ErrorResponse{Error: chatlift.EINTERNAL, Description: "internal error"})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) // the client may be gone; nothing to do about it here
}

// EncodeFailer is told of a response that could not be encoded: the
// recorder of an instrumented route is one.
type EncodeFailer interface{ EncodeFailed(err error) }
