package supportapi_test

import (
	"testing"

	"github.com/chatlift/chatlift/httpapi"
	"github.com/chatlift/chatlift/internal/apitest"
)

// supportEnv is a server with a support account's users; see apitest.SupportEnv.
type supportEnv = apitest.SupportEnv

func setupSupport(t *testing.T) *supportEnv {
	t.Helper()
	return apitest.SetupSupport(t)
}

func itoa(n int64) string { return apitest.Itoa(n) }

// setup starts a server; see apitest.Setup.
func setup(t testing.TB, accounts, chats int, configure ...func(*httpapi.Server)) *apitest.Env {
	t.Helper()
	return apitest.Setup(t, accounts, chats, configure...)
}
