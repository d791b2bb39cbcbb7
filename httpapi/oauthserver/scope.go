package oauthserver

import (
	"net/http"
	"slices"
	"strings"

	"github.com/chatlift/chatlift"
)

// The scopes of the chat API's OAuth are the reference's: read and write
// for the REST API, and chat, which the reference grants for taking part in
// chats through its real-time Conversations API. chatlift's own live
// conversations (docs/conversations.md) take read and write like the REST
// API: chat is granted to every client that asks, as the reference does,
// and allows nothing by itself (reads need read, writes write).
var knownScopes = []string{"read", "write", "chat"}

// clientScopes returns the scopes a client is granted for a request of the
// space-separated scopes requested: those of the client's that are asked
// for, plus chat when asked for; none requested means the client's scopes.
func clientScopes(requested string, c *chatlift.OAuthClient) ([]string, error) {
	if strings.TrimSpace(requested) == "" {
		return slices.Clone(c.Scopes), nil
	}
	allowed := slices.Clone(c.Scopes)
	if !slices.Contains(allowed, "chat") {
		allowed = append(allowed, "chat")
	}
	return grantScopes(requested, allowed, "client")
}

// grantScopes returns the space-separated scopes requested, each of which
// must be among allowed, in allowed's order; none requested means all of
// allowed. what names whose scopes allowed are, for the error.
func grantScopes(requested string, allowed []string, what string) ([]string, error) {
	fields := strings.Fields(requested)
	if len(fields) == 0 {
		return slices.Clone(allowed), nil
	}
	for _, f := range fields {
		if !slices.Contains(knownScopes, f) {
			return nil, oauthErrorf(http.StatusBadRequest, "invalid_scope", "unknown scope %q: the scopes are read, write and chat, separated by spaces", f)
		}
		if !slices.Contains(allowed, f) {
			return nil, oauthErrorf(http.StatusBadRequest, "invalid_scope", "scope %q is not granted to this %s", f, what)
		}
	}
	var out []string
	for _, a := range allowed {
		if slices.Contains(fields, a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}
