package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chatlift/chatlift"
)

// opsClient talks to a running chatlift's operator API.
type opsClient struct {
	server, token, dataDir string
	http                   *http.Client
}

func (m *Main) upgradeCommand() *cobra.Command {
	cl := &opsClient{http: &http.Client{Timeout: 30 * time.Second}}
	c := &cobra.Command{
		Use:   "upgrade",
		Short: "Request, inspect, steer and watch upgrades on a running chatlift",
		Long: "upgrade talks to a running chatlift (--server) with the operator token.\n\n" +
			"Output: tables and one summary line per action for people; --json prints the\n" +
			"server's answer as JSON for scripts (list: every page in one document).\n" +
			"Exit status: 0 done; 1 failed or refused by the server (the reason on stderr);\n" +
			"2 wrong command line (unknown command or flag, missing or bad value).",
	}
	f := c.PersistentFlags()
	f.StringVar(&cl.server, "server", envOr("CHATLIFT_SERVER", "http://127.0.0.1:8080"), "chatlift server URL (default $CHATLIFT_SERVER)")
	f.StringVar(&cl.token, "operator-token", envOr("CHATLIFT_OPERATOR_TOKEN", ""), "operator token (default $CHATLIFT_OPERATOR_TOKEN, else read from --data)")
	f.StringVar(&cl.dataDir, "data", "./chatlift-data", "the server's data directory, to read the operator token from")
	c.AddCommand(m.requestCommand(cl), m.showCommand(cl), m.listCommand(cl), m.rescheduleCommand(cl), m.watchCommand(cl))
	for _, action := range []string{"run-now", "pause", "resume", "cancel", "revert", "finish"} {
		c.AddCommand(m.actionCommand(cl, action))
	}
	return c
}

// apiError is an answer other than 2xx, in the API's error shape.
type apiError struct {
	Status      int
	Code        string `json:"error"`
	Description string `json:"description"`
	UpgradeID   string `json:"upgrade_id"` // the upgrade a refused request names
}

func (e *apiError) Error() string {
	if e.Description == "" {
		return fmt.Sprintf("the server answered %d %s", e.Status, http.StatusText(e.Status))
	}
	return e.Description
}

// flagNames speaks of the API's fields as the flags that set them.
var flagNames = strings.NewReplacer("account_id", "--account", "scheduled_for", "--at")

// refused says why the server did not carry out what, on the upgrade id
// if any; errors other than the server's are returned as they are.
func refused(what, id string, err error) error {
	var e *apiError
	if !errors.As(err, &e) {
		return err
	}
	switch e.Status {
	case http.StatusUnauthorized:
		return fmt.Errorf("%s refused: the operator token is wrong (pass --operator-token, or --data of the server)", what)
	case http.StatusNotFound:
		if id != "" {
			return fmt.Errorf("%s refused: no upgrade %s", what, id)
		}
	}
	return fmt.Errorf("%s refused: %s", what, flagNames.Replace(e.Error()))
}

// upgrade fetches one upgrade.
func (cl *opsClient) upgrade(ctx context.Context, id string) (*chatlift.Upgrade, []byte, error) {
	body, err := cl.do(ctx, "GET", "/api/v2/upgrades/"+id, nil)
	if err != nil {
		return nil, nil, err
	}
	u, err := decodeUpgrade(body)
	return u, body, err
}

// decodeUpgrade reads an answer of the form {"upgrade": {...}}.
func decodeUpgrade(body []byte) (*chatlift.Upgrade, error) {
	var resp struct{ Upgrade *chatlift.Upgrade }
	if err := json.Unmarshal(body, &resp); err != nil || resp.Upgrade == nil {
		return nil, fmt.Errorf("decode upgrade: unexpected answer %.200s", body)
	}
	return resp.Upgrade, nil
}

// do sends a request and returns the body of a 2xx answer; any other
// answer is an *apiError.
func (cl *opsClient) do(ctx context.Context, method, path string, body any) ([]byte, error) {
	token, err := cl.operatorToken()
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(cl.server, "/")+path, rd)
	if err != nil {
		return nil, usagef("bad --server %q: %w", cl.server, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := cl.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach chatlift at %s (--server): %w", cl.server, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		e := &apiError{Status: resp.StatusCode}
		json.Unmarshal(b, e)
		return nil, e
	}
	return b, nil
}

// operatorToken is --operator-token, else the token in --data.
func (cl *opsClient) operatorToken() (string, error) {
	if cl.token != "" {
		return cl.token, nil
	}
	b, err := os.ReadFile(filepath.Join(cl.dataDir, "operator-token"))
	if err != nil {
		return "", fmt.Errorf("no operator token: pass --operator-token or --data of the server (%w)", err)
	}
	cl.token = strings.TrimSpace(string(b))
	return cl.token, nil
}
