package api

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"

	"github.com/chatlift/chatlift"
)

// Operator authorizes the operator by the bearer token it was given.
type Operator struct {
	// Token is the operator's token; empty lets no request through.
	Token  string
	Logger *slog.Logger
}

// Is reports whether the request carries the operator token.
func (o *Operator) Is(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && o.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(o.Token)) == 1
}

// Only lets a request through only with the operator's bearer token.
func (o *Operator) Only(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !o.Is(r) {
			WriteError(w, r, o.Logger, chatlift.Errorf(chatlift.EUNAUTHORIZED, "operator token required"))
			return
		}
		h(w, r)
	}
}
