package main_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestCLISeed: seed prints each account's credentials within 100 columns,
// public OAuth clients without a secret, and --json parses back.
func TestCLISeed(t *testing.T) {
	t.Parallel()
	var creds []struct {
		AccountID       int64  `json:"account_id"`
		SupportAPIToken string `json:"support_api_token"`
		OAuthClients    []struct {
			ClientIdentifier string `json:"client_identifier"`
			ClientSecret     string `json:"client_secret"`
			ClientType       string `json:"client_type"`
		} `json:"oauth_clients"`
	}
	args := []string{"seed", "--accounts", "8", "--chats-per-account", "0"}
	runCLI(t, append(args, "--json", "--data", t.TempDir())...).decode(t, &creds)
	if len(creds) != 8 || creds[0].SupportAPIToken == "" {
		t.Fatalf("seed --json: %+v", creds)
	}
	// The same fleet seeded again, in a fresh data dir, printed as a table (with new secrets).
	out := runCLI(t, append(args, "--data", t.TempDir())...)
	out.want(t, 0, `^account 1  `)
	checkWidth(t, out.stdout, 100)
	public, confidential := 0, 0
	for _, c := range creds {
		for _, oc := range c.OAuthClients {
			if oc.ClientType == "public" {
				public++
				if !regexp.MustCompile(`OAuth client \(public\) +` + oc.ClientIdentifier + "\n").MatchString(out.stdout) {
					t.Errorf("public client %s not listed:\n%s", oc.ClientIdentifier, out.stdout)
				}
				continue
			}
			confidential++
			if !regexp.MustCompile(`OAuth client \(` + oc.ClientType + `\) +` + oc.ClientIdentifier + "\n    its secret").MatchString(out.stdout) {
				t.Errorf("client %s not listed with its secret:\n%s", oc.ClientIdentifier, out.stdout)
			}
		}
	}
	if public == 0 {
		t.Fatal("the seeded fleet has no public OAuth client to check")
	}
	if n := strings.Count(out.stdout, "its secret"); n != confidential {
		t.Errorf("%d secrets printed, want one per confidential client", n)
	}
}
