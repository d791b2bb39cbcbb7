package temporalcluster

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.temporal.io/server/common/auth"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
)

// sqlConfig translates a postgres:// URL into the server's SQL store
// configuration for the postgres12 plugin. sslmode becomes the TLS settings
// (the plugin sets sslmode itself); other query parameters are passed on.
func sqlConfig(rawURL string, maxConns int) (*config.SQL, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("database URL: scheme %q: want postgres://", u.Scheme)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || u.Host == "" {
		return nil, fmt.Errorf("database URL %s: want postgres://user@host:port/database", u.Redacted())
	}
	host := u.Host
	if u.Port() == "" {
		host += ":5432"
	}
	cfg := &config.SQL{
		PluginName:        postgresql.PluginName,
		DatabaseName:      name,
		ConnectAddr:       host,
		ConnectProtocol:   "tcp",
		User:              u.User.Username(),
		ConnectAttributes: map[string]string{},
		MaxConns:          maxConns,
		MaxIdleConns:      maxConns,
		MaxConnLifetime:   time.Hour,
	}
	cfg.Password, _ = u.User.Password()
	for k, vs := range u.Query() {
		if k != "sslmode" {
			cfg.ConnectAttributes[k] = vs[len(vs)-1]
		}
	}
	switch mode := u.Query().Get("sslmode"); mode {
	case "", "disable":
	case "require", "verify-ca":
		cfg.TLS = &auth.TLS{Enabled: true, CaFile: u.Query().Get("sslrootcert")}
	case "verify-full":
		cfg.TLS = &auth.TLS{Enabled: true, EnableHostVerification: true, CaFile: u.Query().Get("sslrootcert")}
	default:
		return nil, fmt.Errorf("database URL: sslmode %q: use disable, require, verify-ca or verify-full", mode)
	}
	delete(cfg.ConnectAttributes, "sslrootcert")
	return cfg, nil
}

// VisibilityURL is the database next to rawURL's, named after it with the
// suffix _visibility, where the visibility store lives by default.
func VisibilityURL(rawURL string) (string, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return "", err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return "", fmt.Errorf("database URL %s names no database", u.Redacted())
	}
	u.Path = "/" + name + "_visibility"
	return u.String(), nil
}

// parseURL parses a database URL; its error does not repeat the URL, which
// may hold a password.
func parseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	return u, nil
}
