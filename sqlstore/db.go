package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/chatlift/chatlift"
)

//go:embed migrations
var migrations embed.FS

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Roles: which system's database a DB is. A chat database holds the chat
// tables only; a platform database holds those and the platform's own.
const (
	RoleChat     = "chat"
	RolePlatform = "platform"
)

// DB is one database: the legacy chat product's or the unified platform's.
// It implements chatlift.PlatformStore (a chat-role DB has only the
// ChatStore tables).
type DB struct {
	db      *sql.DB
	tx      *sql.Tx       // set on the view of one transaction (see InAccountWrite)
	writers *writeQueue   // SQLite's writers line up here
	ckp     *checkpointer // SQLite
	dialect string
	role    string
	now     func() time.Time
}

var _ chatlift.PlatformStore = (*DB)(nil)

// Config says which database to open.
type Config struct {
	// URL is a PostgreSQL URL ("postgres://..."); empty means SQLite at Path.
	URL string
	// Schema is the PostgreSQL schema of this system's tables.
	Schema string
	// Path is the SQLite file.
	Path string
	// Role is RoleChat or RolePlatform.
	Role string
	// Background marks the writes of background work, a worker process's
	// upgrades or serve's mailer: on SQLite they give way to the other
	// stores' (see writeQueue), and the store checkpoints the WAL often,
	// where a foreground store does it only as a fallback.
	Background bool
	// NoCheckpoints leaves the WAL's checkpoints to another store of this
	// process on the same file (serve's mailer store: serve's own platform
	// store checkpoints it, as a foreground store does).
	NoCheckpoints bool
}

// Open connects to the database, checks that it answers and applies every
// pending migration.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	return openAt(ctx, cfg, math.MaxInt64)
}

// openAt opens the database with the platform migrations up to version.
func openAt(ctx context.Context, cfg Config, version int64) (*DB, error) {
	if cfg.Role != RoleChat && cfg.Role != RolePlatform {
		return nil, fmt.Errorf("sqlstore: unknown role %q", cfg.Role)
	}
	d := &DB{role: cfg.Role, now: time.Now}
	var err error
	if cfg.URL != "" {
		d.dialect = Postgres
		d.db, err = openPostgres(ctx, cfg.URL, cfg.Schema)
	} else {
		d.dialect = SQLite
		d.db, err = openSQLite(cfg.Path)
		if err == nil {
			if d.writers, err = openWriteQueue(cfg.Path, cfg.Background); err != nil {
				d.db.Close()
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d.dialect, err)
	}
	if err := d.migrate(ctx, version); err != nil {
		d.Close()
		return nil, err
	}
	if d.writers != nil && !cfg.NoCheckpoints {
		d.ckp = startCheckpointer(d.db, cfg.Background)
	}
	return d, nil
}

func openSQLite(path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("sqlstore: SQLite path required")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	q := url.Values{}
	// No checkpoint inside a COMMIT: the store's checkpointer runs them
	// (see writeQueue).
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(ON)", "wal_autocheckpoint(0)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open SQLite %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	return db, nil
}

func openPostgres(ctx context.Context, rawURL, schema string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if schema != "" {
		if !validIdent(schema) {
			return nil, fmt.Errorf("sqlstore: invalid schema name %q", schema)
		}
		cfg.RuntimeParams["search_path"] = schema
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		_, err = conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema)
		conn.Close(ctx)
		if err != nil && !isUniqueViolation(err) {
			return nil, fmt.Errorf("create schema %s: %w", schema, err)
		}
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	return db, nil
}

func validIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// migrate applies the chat migration set, and for a platform DB the platform
// set up to version, each recorded in its own version table.
func (d *DB) migrate(ctx context.Context, version int64) error {
	sets := []string{RoleChat}
	if d.role == RolePlatform {
		sets = append(sets, RolePlatform)
	}
	dialect := database.DialectSQLite3
	if d.dialect == Postgres {
		dialect = database.DialectPostgres
	}
	for _, set := range sets {
		fsys, err := fs.Sub(migrations, "migrations/"+d.dialect+"/"+set)
		if err != nil {
			return fmt.Errorf("migrations %s: %w", set, err)
		}
		store, err := database.NewStore(dialect, "schema_version_"+set)
		if err != nil {
			return fmt.Errorf("migration store: %w", err)
		}
		p, err := goose.NewProvider("", d.db, fsys, goose.WithStore(store), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return fmt.Errorf("load %s migrations: %w", set, err)
		}
		upTo := int64(math.MaxInt64)
		if set == RolePlatform {
			upTo = version
		}
		if _, err := p.UpTo(ctx, upTo); err != nil {
			return fmt.Errorf("apply %s migrations: %w", set, err)
		}
	}
	return nil
}

// Dialect returns SQLite or Postgres.
func (d *DB) Dialect() string { return d.dialect }

// SQL returns the underlying pool, for bulk work that needs it.
func (d *DB) SQL() *sql.DB { return d.db }

// SetClock replaces the clock that stamps rows; tests use it.
func (d *DB) SetClock(now func() time.Time) { d.now = now }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// Close closes the pool (and ends the checkpointer, SQLite); closing again
// does nothing.
func (d *DB) Close() error {
	if d.ckp != nil {
		d.ckp.stop()
	}
	err := d.db.Close()
	if d.writers != nil {
		err = errors.Join(err, d.writers.close())
	}
	return err
}

// rebind turns ? placeholders into the dialect's.
func (d *DB) rebind(q string) string {
	if d.dialect != Postgres {
		return q
	}
	b := make([]byte, 0, len(q)+strings.Count(q, "?")*4)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b = strconv.AppendInt(append(b, '$'), int64(n), 10)
			continue
		}
		b = append(b, q[i])
	}
	return string(b)
}

// q is what queries run on: the view's transaction, or the pool.
func (d *DB) q() querier {
	if d.tx != nil {
		return d.tx
	}
	if d.writers != nil {
		return queuedPool{d.db, d.writers}
	}
	return d.db
}

// inTx runs fn in one transaction, committed if fn returns nil. On a
// transaction's view fn joins that transaction.
func (d *DB) inTx(ctx context.Context, fn func(tx querier) error) error {
	if d.tx != nil {
		return fn(d.tx)
	}
	release, err := d.writers.hold(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer release()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return interpret(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// snapshot runs fn's reads on one snapshot of the database: a read-only
// transaction (on SQLite a deferred BEGIN, whatever _txlock says, so it
// waits for no writer; on PostgreSQL at REPEATABLE READ, whose snapshot is
// the transaction's, not each statement's). fn can only read: a write
// would bypass the write queue. On a transaction's view fn joins that
// transaction (a writer's: one moment on SQLite, each statement's on
// PostgreSQL, READ COMMITTED).
func (d *DB) snapshot(ctx context.Context, fn func(q reader) error) error {
	if d.tx != nil {
		return fn(d.tx)
	}
	opts := &sql.TxOptions{ReadOnly: true}
	if d.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // nothing to keep: it only read
	return fn(tx)
}

// writeRow runs query, a write that returns one row (RETURNING), and
// scans that row into dest. On SQLite, outside a transaction, it waits its
// turn in the write queue like any other write (see writeQueue) and holds
// it until the row is read.
func (d *DB) writeRow(ctx context.Context, query string, args []any, dest ...any) error {
	if d.tx != nil {
		return d.tx.QueryRowContext(ctx, d.rebind(query), args...).Scan(dest...)
	}
	release, err := d.writers.hold(ctx)
	if err != nil {
		return err
	}
	defer release()
	return d.db.QueryRowContext(ctx, d.rebind(query), args...).Scan(dest...)
}

// Checkpoint copies SQLite's WAL into the database file and empties it
// (TRUNCATE), holding the write queue meanwhile; nothing on PostgreSQL.
// The stores checkpoint on their own; this is for a caller that wants the
// WAL empty now (a bench, before it measures). A checkpoint of another
// connection under way makes SQLite give up at once: it is tried again,
// for up to checkpointWait.
func (d *DB) Checkpoint(ctx context.Context) error {
	if d.dialect != SQLite {
		return nil
	}
	release, err := d.writers.hold(ctx)
	if err != nil {
		return err
	}
	defer release()
	for deadline := time.Now().Add(checkpointWait); ; {
		var busy, frames, copied int
		err := d.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied)
		switch {
		case err != nil:
			return fmt.Errorf("checkpoint: %w", err)
		case busy == 0:
			return nil
		case time.Now().After(deadline):
			return chatlift.Errorf(chatlift.EUNAVAILABLE, "checkpoint: the database stayed busy for %s (%d of %d WAL frames copied)", checkpointWait, copied, frames)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// checkpointWait bounds Checkpoint's tries (a variable for the tests).
var checkpointWait = 10 * time.Second

// interpret translates driver errors into chatlift errors at the boundary.
func interpret(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return chatlift.Errorf(chatlift.ENOTFOUND, "not found")
	case isUniqueViolation(err):
		return chatlift.Errorf(chatlift.ECONFLICT, "already exists")
	}
	return err
}

func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// accountSequences are the tables whose ids are numbered per account: a
// sequence named "<table>/<account id>" starts after the account's largest id
// in that table, so ids made elsewhere (a seed, an import) never collide.
var accountSequences = map[string]bool{"agents": true, "chat_objects": true, "oauth_clients": true,
	"oauth_tokens": true, "users": true, "api_tokens": true, "apps": true, "tickets": true, "notifications": true,
	"ticket_comments": true, "support_groups": true, "organizations": true}

// NextIDs implements chatlift.ChatStore.
func (d *DB) NextIDs(ctx context.Context, sequence string, n int) (int64, error) {
	if n < 1 {
		return 0, chatlift.Errorf(chatlift.EINVALID, "reserve at least one id")
	}
	var next int64
	err := d.inTx(ctx, func(tx querier) error {
		start := int64(1)
		if table, account, ok := strings.Cut(sequence, "/"); ok && accountSequences[table] {
			err := tx.QueryRowContext(ctx, d.rebind("SELECT COALESCE(MAX(id), 0) + 1 FROM "+table+" WHERE account_id = ?"), account).Scan(&start)
			if err != nil {
				return fmt.Errorf("start sequence %s: %w", sequence, err)
			}
		}
		_, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO id_sequences (name, next) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`), sequence, start)
		if err != nil {
			return fmt.Errorf("init sequence %s: %w", sequence, err)
		}
		err = tx.QueryRowContext(ctx, d.rebind(`UPDATE id_sequences SET next = next + ? WHERE name = ? RETURNING next`), n, sequence).Scan(&next)
		if err != nil {
			return fmt.Errorf("advance sequence %s: %w", sequence, err)
		}
		return nil
	})
	return next - int64(n), err
}
