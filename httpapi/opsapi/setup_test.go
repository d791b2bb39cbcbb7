package opsapi_test

import (
	"testing"

	"github.com/chatlift/chatlift/internal/apitest"
)

// setup starts a server; see apitest.Setup.
func setup(t testing.TB, accounts, chats int) *apitest.Env {
	t.Helper()
	return apitest.Setup(t, accounts, chats)
}

// supportEnv is a server with a support account's users; see apitest.SupportEnv.
type supportEnv = apitest.SupportEnv

func setupSupport(t *testing.T) *supportEnv {
	t.Helper()
	return apitest.SetupSupport(t)
}
