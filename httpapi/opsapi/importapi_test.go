package opsapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/opsapi"
)

func TestImportSettingsAPI(t *testing.T) {
	t.Parallel()
	e := setup(t, 1, 0)
	const path = "/api/ops/import/settings"
	show := func(t *testing.T) opsapi.ImportThrottle {
		t.Helper()
		var out opsapi.ImportThrottle
		e.Call(t, "GET", path, e.Op, nil, http.StatusOK, &out)
		return out
	}
	t.Run("Defaults", func(t *testing.T) {
		if got := show(t); got.Settings != chatlift.DefaultImportSettings() || got.Running != 0 {
			t.Fatalf("GET = %+v, want the defaults and nothing running", got)
		}
	})
	t.Run("Put", func(t *testing.T) {
		want := chatlift.ImportSettings{RowsPerSecond: 5000, MaxConcurrent: 2}
		var put opsapi.ImportThrottle
		e.Call(t, "PUT", path, e.Op, want, http.StatusOK, &put)
		if put.Settings != want {
			t.Fatalf("PUT answered %+v, want %+v", put.Settings, want)
		}
		ok, err := e.Platform.AcquireImportLease(context.Background(), "u1", time.Now(), time.Minute, 2)
		if err != nil || !ok {
			t.Fatalf("AcquireImportLease = %v, %v", ok, err)
		}
		if got := show(t); got.Settings != want || got.Running != 1 {
			t.Fatalf("GET = %+v, want %+v with 1 running", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		before := show(t).Settings
		for _, body := range []string{`{"rows_per_second": -1, "max_concurrent": 2}`, `{"rows_per_second": 10}`,
			`{"rows_per_second": 10, "max_concurrent": 2, "burst": 3}`, `{"max_concurrent": "2"}`, `{`} {
			e.Call(t, "PUT", path, e.Op, []byte(body), http.StatusBadRequest, nil)
		}
		if got := show(t).Settings; got != before {
			t.Fatalf("invalid PUTs changed the settings to %+v", got)
		}
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		e.Call(t, "GET", path, "", nil, http.StatusUnauthorized, nil)
		e.Call(t, "PUT", path, "not-the-operator", chatlift.ImportSettings{MaxConcurrent: 1}, http.StatusUnauthorized, nil)
	})
}
