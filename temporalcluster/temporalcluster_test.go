package temporalcluster_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/chatlift/chatlift/internal/pgtest"
	"github.com/chatlift/chatlift/temporalcluster"
)

func TestSQLConfig(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		c, err := temporalcluster.SQLConfig("postgres://tl:s%40cret@db.internal/temporal?sslmode=disable&connect_timeout=5", 30)
		if err != nil {
			t.Fatal(err)
		}
		if c.PluginName != "postgres12" || c.User != "tl" || c.Password != "s@cret" || c.ConnectAddr != "db.internal:5432" ||
			c.DatabaseName != "temporal" || c.MaxConns != 30 || c.TLS != nil {
			t.Fatalf("config = %+v", c)
		}
		if len(c.ConnectAttributes) != 1 || c.ConnectAttributes["connect_timeout"] != "5" {
			t.Fatalf("attributes = %v, want connect_timeout only (sslmode is the plugin's)", c.ConnectAttributes)
		}
	})
	t.Run("TLS", func(t *testing.T) {
		for mode, verify := range map[string]bool{"require": false, "verify-ca": false, "verify-full": true} {
			c, err := temporalcluster.SQLConfig("postgres://tl@db:6432/temporal?sslmode="+mode+"&sslrootcert=/ca.pem", 1)
			if err != nil {
				t.Fatal(err)
			}
			if c.TLS == nil || !c.TLS.Enabled || c.TLS.EnableHostVerification != verify || c.TLS.CaFile != "/ca.pem" || c.ConnectAddr != "db:6432" {
				t.Fatalf("sslmode=%s: TLS = %+v, addr %s", mode, c.TLS, c.ConnectAddr)
			}
			if len(c.ConnectAttributes) != 0 {
				t.Fatalf("sslmode=%s: attributes = %v", mode, c.ConnectAttributes)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, u := range []string{
			"mysql://tl:s3cret@db/temporal",
			"postgres://tl:s3cret@db/",
			"postgres:///temporal",
			"postgres://tl:s3cret@db/temporal?sslmode=sometimes",
			"postgres://tl:s3cret@db/temporal\x7f",
		} {
			_, err := temporalcluster.SQLConfig(u, 1)
			if err == nil || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("%q: error %v, want one without the password", u, err)
			}
		}
	})
}

func TestVisibilityURL(t *testing.T) {
	t.Parallel()
	t.Run("OK", func(t *testing.T) {
		got, err := temporalcluster.VisibilityURL("postgres://tl:pw@db:5432/temporal?sslmode=disable")
		if want := "postgres://tl:pw@db:5432/temporal_visibility?sslmode=disable"; err != nil || got != want {
			t.Fatalf("VisibilityURL = %q, %v; want %q", got, err, want)
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		if _, err := temporalcluster.VisibilityURL("postgres://tl:pw@db:5432/"); err == nil || strings.Contains(err.Error(), "pw") {
			t.Fatalf("err = %v, want an error without the password", err)
		}
	})
}

func TestStart(t *testing.T) {
	t.Parallel()
	t.Run("ErrNoDatabase", func(t *testing.T) {
		if _, err := temporalcluster.Start(context.Background(), temporalcluster.Config{}); err == nil || !strings.Contains(err.Error(), "database URL") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestSetupSchema creates the engine's two databases and their schemas on
// PostgreSQL at TEST_DATABASE_URL, then runs again over them: the second
// run changes nothing and fails on nothing.
func TestSetupSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.Database(t, "schema_temporal", false)
	cfg := temporalcluster.Config{DatabaseURL: db}
	if err := temporalcluster.SetupSchema(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	vis, err := temporalcluster.VisibilityURL(db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{db: "1.18", vis: "1.9"}
	first := map[string]schemaState{}
	for db, version := range want {
		first[db] = readSchemaState(t, db)
		if first[db].version != version {
			t.Fatalf("%s: schema version %q, want %s", db, first[db].version, version)
		}
		t.Logf("%s: version %s after %d recorded updates, %d columns", db, first[db].version, first[db].updates, first[db].columns)
	}
	// Again: nothing changes, not a version, an update recorded or a column.
	if err := temporalcluster.SetupSchema(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	for db := range want {
		if again := readSchemaState(t, db); again != first[db] {
			t.Fatalf("%s: the second setup changed the schema: %+v, then %+v", db, first[db], again)
		}
	}
}

// schemaState is what a schema setup leaves in a database: the version,
// the updates recorded, and its tables' columns (count and digest).
type schemaState struct {
	version          string
	updates, columns int
	digest           string
}

func readSchemaState(t *testing.T, db string) schemaState {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s schemaState
	err = conn.QueryRow(ctx, `SELECT curr_version, (SELECT count(*) FROM schema_update_history),
		(SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'),
		(SELECT md5(string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, column_name))
			FROM information_schema.columns WHERE table_schema = 'public')
		FROM schema_version`).Scan(&s.version, &s.updates, &s.columns, &s.digest)
	if err != nil {
		t.Fatalf("%s: %v", db, err)
	}
	return s
}
