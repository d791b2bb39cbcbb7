package console_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/chatlift/chatlift"
)

func TestThrottleImports(t *testing.T) {
	t.Parallel()
	e, c := signedIn(t)
	c.Get("/console/").Want(t, http.StatusOK, `href="/console/imports"`)
	c.Get("/console/imports").Want(t, http.StatusOK, "unlimited rows/s", "<strong>4</strong> imports run at once", "2 hold a slot now",
		`name="rows_per_second"`, `value="4"`)
	confirm := "/console/imports/confirm?rows_per_second=5000&max_concurrent=2"
	c.Get(confirm).Want(t, http.StatusOK, "go from unlimited rows/s and 4 at once", "<strong>5000 rows/s</strong> and <strong>2 at once</strong>",
		`name="rows_per_second" value="5000"`, `name="max_concurrent" value="2"`)
	c.Get("/console/imports/confirm?rows_per_second=-1&max_concurrent=2").Want(t, http.StatusBadRequest, "rows_per_second must be 0")
	c.Get("/console/imports/confirm?rows_per_second=fast&max_concurrent=2").Want(t, http.StatusBadRequest, "whole numbers")
	c.Post(confirm, "/console/imports", url.Values{"rows_per_second": {"5000"}, "max_concurrent": {"0"}}).Want(t, http.StatusBadRequest, "max_concurrent must be at least 1")
	if e.store.imports != chatlift.DefaultImportSettings() {
		t.Fatal("refused limits were stored")
	}
	c.Post(confirm, "/console/imports", url.Values{"rows_per_second": {"5000"}, "max_concurrent": {"2"}}).Want(t, http.StatusSeeOther)
	if want := (chatlift.ImportSettings{RowsPerSecond: 5000, MaxConcurrent: 2}); e.store.imports != want {
		t.Fatalf("stored %+v, want %+v", e.store.imports, want)
	}
	if got := e.store.auditOf("fleet"); len(got) != 1 || got[0] != "operator (Aiko) throttle-imports accepted" {
		t.Fatalf("audit = %q", got)
	}
	c.Get("/console/imports").Want(t, http.StatusOK, "Import limits set: 5000 rows/s, 2 at once", "<strong>5000 rows/s</strong>",
		"throttle-imports (from unlimited rows/s, 4 at once to 5000 rows/s, 2 at once)")
	c.Do("POST", "/console/imports", url.Values{"rows_per_second": {"1"}, "max_concurrent": {"1"}}).Want(t, http.StatusForbidden)
}
