package opsapi

import (
	"net/http"

	"github.com/chatlift/chatlift/httpapi/api"
)

// supportCaller is the support account's caller a request acts for, with
// the store it is served by.
type supportCaller struct {
	*api.SupportCaller
	store Store
}

// supportHandler serves a support account's caller (nil for the
// operator); a returned error is sent in the error shape.
type supportHandler func(w http.ResponseWriter, r *http.Request, c *supportCaller) error

// support authenticates a support account's caller and serves the request.
func (s *API) support(h supportHandler) http.HandlerFunc {
	return s.Auth.Serve(func(w http.ResponseWriter, r *http.Request, c *api.SupportCaller) error {
		return h(w, r, s.supportCaller(c))
	})
}

// adminOrOperator lets through the operator (c is nil) and the admins of an
// account.
func (s *API) adminOrOperator(what string, h supportHandler) http.HandlerFunc {
	return s.Auth.AdminOrOperator(what, func(w http.ResponseWriter, r *http.Request, c *api.SupportCaller) error {
		return h(w, r, s.supportCaller(c))
	})
}

func (s *API) supportCaller(c *api.SupportCaller) *supportCaller {
	if c == nil {
		return nil
	}
	return &supportCaller{SupportCaller: c, store: s.Store}
}
