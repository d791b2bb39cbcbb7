package oauthserver_test

import (
	"testing"

	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/internal/apitest"
)

// env is a running server over seeded stores (apitest.Env) with this
// package's helpers.
type env struct{ *apitest.Env }

// setup starts an env; see apitest.Setup.
func setup(t testing.TB, accounts, chats int, configure ...func(*httpapi.Server)) *env {
	t.Helper()
	return &env{apitest.Setup(t, accounts, chats, configure...)}
}

func itoa(n int64) string { return apitest.Itoa(n) }

const redirectURI = apitest.RedirectURI
