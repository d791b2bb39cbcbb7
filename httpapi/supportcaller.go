package httpapi

import (
	"net/http"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/support"
)

// supportCaller is who a support API request acts for, with the stores
// and rules it is served by.
type supportCaller struct {
	*api.SupportCaller
	store chatlift.PlatformStore
	// desk applies the support desk's rules.
	desk *support.Service
}

// supportHandler is a support API handler; a returned error is sent in the
// error shape.
type supportHandler func(w http.ResponseWriter, r *http.Request, c *supportCaller) error

// support authenticates a support API request and serves it for the caller.
func (s *Server) support(h supportHandler) http.HandlerFunc {
	return s.supportAuth.Serve(func(w http.ResponseWriter, r *http.Request, c *api.SupportCaller) error {
		return h(w, r, s.supportCaller(c))
	})
}

// adminOrOperator lets through the operator (c is nil) and the admins of an
// account.
func (s *Server) adminOrOperator(what string, h supportHandler) http.HandlerFunc {
	return s.supportAuth.AdminOrOperator(what, func(w http.ResponseWriter, r *http.Request, c *api.SupportCaller) error {
		return h(w, r, s.supportCaller(c))
	})
}

func (s *Server) supportCaller(c *api.SupportCaller) *supportCaller {
	if c == nil {
		return nil
	}
	return &supportCaller{SupportCaller: c, store: s.Platform, desk: &support.Service{Store: s.Platform, Now: s.Now}}
}
