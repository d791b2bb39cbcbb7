package httpapi_test

import (
	"net/http"
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

// supportEnv is an env with a support account's users; see apitest.SupportEnv.
type supportEnv = apitest.SupportEnv

func setupSupport(t *testing.T) *supportEnv {
	t.Helper()
	return apitest.SetupSupport(t)
}

func do(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	return apitest.Do(t, req)
}

func itoa(n int64) string { return apitest.Itoa(n) }

const redirectURI = apitest.RedirectURI
