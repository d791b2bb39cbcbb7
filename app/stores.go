package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/sqlstore"
)

// Stores are the two systems' databases.
type Stores struct {
	// Legacy is the legacy chat product's database.
	Legacy *sqlstore.DB
	// Platform is the unified platform's database.
	Platform *sqlstore.DB
}

// OpenStores opens both databases: SQLite files under dataDir, or with a
// databaseURL the PostgreSQL schemas legacy_chat and platform in it.
func OpenStores(ctx context.Context, dataDir, databaseURL string) (*Stores, error) {
	return openStores(ctx, dataDir, databaseURL, false)
}

// openStores is OpenStores for background work (a worker process) when
// background is set: its SQLite writes give way to the other processes'.
func openStores(ctx context.Context, dataDir, databaseURL string, background bool) (*Stores, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	legacy := sqlstore.Config{URL: databaseURL, Schema: "legacy_chat", Path: filepath.Join(dataDir, "legacy-chat.db"), Role: sqlstore.RoleChat, Background: background}
	l, err := sqlstore.Open(ctx, legacy)
	if err != nil {
		return nil, fmt.Errorf("legacy chat database: %w", err)
	}
	p, err := openPlatform(ctx, dataDir, sqlstore.Config{URL: databaseURL, Background: background})
	if err != nil {
		l.Close()
		return nil, err
	}
	return &Stores{Legacy: l, Platform: p}, nil
}

// openPlatform opens the platform store alone, in dataDir on SQLite; cfg
// gives its URL, Background and NoCheckpoints.
func openPlatform(ctx context.Context, dataDir string, cfg sqlstore.Config) (*sqlstore.DB, error) {
	cfg.Schema, cfg.Path, cfg.Role = "platform", filepath.Join(dataDir, "platform.db"), sqlstore.RolePlatform
	p, err := sqlstore.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("platform database: %w", err)
	}
	return p, nil
}

// Ping checks that both databases answer.
func (s *Stores) Ping(ctx context.Context) error {
	if err := s.Legacy.Ping(ctx); err != nil {
		return fmt.Errorf("legacy chat database: %w", err)
	}
	if err := s.Platform.Ping(ctx); err != nil {
		return fmt.Errorf("platform database: %w", err)
	}
	return nil
}

// Close closes both.
func (s *Stores) Close() error {
	err := s.Legacy.Close()
	if err2 := s.Platform.Close(); err == nil {
		err = err2
	}
	return err
}

// prepareDataDir creates dir and checks that files can be written in it.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data dir %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("data dir %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// operatorToken returns the configured token, else the one kept in the data
// dir, else a new one it keeps there; fresh reports the last case.
func operatorToken(dataDir, configured string) (token string, fresh bool, err error) {
	if configured != "" {
		return configured, false, nil
	}
	path := filepath.Join(dataDir, "operator-token")
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		return string(b), false, nil
	}
	token = "op_" + chatlift.NewSecret()
	if err := os.WriteFile(path, []byte(token), 0o600); err != nil {
		return "", false, fmt.Errorf("keep operator token: %w", err)
	}
	return token, true, nil
}
