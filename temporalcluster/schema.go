package temporalcluster

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/server/common/config"
	pgschema "go.temporal.io/server/schema/postgresql/v12"
	toolschema "go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
)

// The server's schemas, as shipped in its module (schema/postgresql/v12),
// and the versions this build of the server needs.
const (
	mainSchema       = "postgresql/v12/temporal"
	visibilitySchema = "postgresql/v12/visibility"
)

// SetupSchema brings the main and the visibility databases to the schema
// versions this server needs, as temporal-sql-tool's setup-schema -v 0.0
// and update-schema do: each database is created when missing, then every
// versioned change it lacks is applied in order. Running it again, or on
// databases of an older version, is safe.
func SetupSchema(ctx context.Context, cfg Config) error {
	if err := cfg.defaults(); err != nil {
		return err
	}
	log := serverLogger(cfg.Logger)
	for _, db := range []struct{ url, schema, version string }{
		{cfg.DatabaseURL, mainSchema, pgschema.Version},
		{cfg.VisibilityDatabaseURL, visibilitySchema, pgschema.VisibilityVersion},
	} {
		if err := createDatabase(ctx, db.url); err != nil {
			return err
		}
		sqlCfg, err := sqlConfig(db.url, 2)
		if err != nil {
			return err
		}
		if err := migrate(sqlCfg, db.schema, log); err != nil {
			return fmt.Errorf("schema %s in database %s: %w", db.schema, sqlCfg.DatabaseName, err)
		}
		cfg.Logger.Info("engine schema ready", "database", sqlCfg.DatabaseName, "schema", db.schema, "version", db.version)
	}
	return nil
}

// migrate runs the server's own schema tasks on one database.
func migrate(cfg *config.SQL, schemaName string, log slogLogger) error {
	conn, err := sqltool.NewConnection(cfg, log)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	setup := toolschema.NewSetupSchemaTask(conn, &toolschema.SetupConfig{InitialVersion: "0.0"}, log)
	if err := setup.Run(); err != nil {
		return fmt.Errorf("version tables: %w", err)
	}
	update := toolschema.NewUpdateSchemaTask(conn, &toolschema.UpdateConfig{DBName: cfg.DatabaseName, SchemaName: schemaName}, log)
	if err := update.Run(); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	return nil
}

// createDatabase creates the URL's database unless it exists, connecting to
// the server's postgres database to do so.
func createDatabase(ctx context.Context, rawURL string) error {
	u, err := parseURL(rawURL)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return fmt.Errorf("connect to %s to create database %s: %w", admin.Redacted(), name, err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// logTo is the discard logger when l is nil.
func logTo(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
