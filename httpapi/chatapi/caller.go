package chatapi

import (
	"context"
	"net/http"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// chatCaller is who a chat API request acts for and where its account's
// chat data lives now.
type chatCaller struct {
	*api.ChatCaller[Store]
	api *API
	// legacy is the legacy store while the platform's import of the
	// account's history runs: reads merge it with the platform's rows.
	// It and importing are set by loadHistory.
	historyLoaded bool
	legacy        Store
	// importing is the import's progress while it runs, nil after.
	importing *chatlift.ImportProgress
}

// chatHandler is a chat API handler; a returned error is sent in the error shape.
type chatHandler func(w http.ResponseWriter, r *http.Request, c *chatCaller) error

// chat authenticates a chat API request (api.ChatAuth) and serves it for
// the caller.
func (a *API) chat(h chatHandler) http.HandlerFunc {
	return a.Auth.Serve(func(w http.ResponseWriter, r *http.Request, c *api.ChatCaller[Store]) error {
		return h(w, r, &chatCaller{ChatCaller: c, api: a})
	})
}

// may lets the request through only if the caller's role allows action.
func may(action chatlift.ChatAction, h chatHandler) chatHandler {
	return func(w http.ResponseWriter, r *http.Request, c *chatCaller) error {
		if err := chatlift.CanChat(c.Agent, action); err != nil {
			return err
		}
		return h(w, r, c)
	}
}

// loadHistory finds out, once per request and only for the requests that
// read history, whether the account's history import still runs; while it
// does, c reads the legacy store's history too.
func (c *chatCaller) loadHistory(ctx context.Context) error {
	if !c.Platform || c.historyLoaded {
		return nil
	}
	c.historyLoaded = true
	homes := c.api.Auth.Homes
	p, err := homes.Importing(ctx, c.Account.ID)
	if err != nil || p == nil {
		return err
	}
	c.legacy, c.importing = homes.Legacy, p
	return nil
}
