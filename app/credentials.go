package app

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-runewidth"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/seed"
)

// credentialsWidth is the widest line PrintCredentials writes, in terminal
// columns, for emails and client identifiers up to 69 columns.
const credentialsWidth = 100

// PrintCredentials writes, for each account, its name and a line for each
// secret the seed made for it, every line within credentialsWidth columns.
// Public OAuth clients have no secret to show.
func PrintCredentials(w io.Writer, creds []*seed.Credentials) error {
	bw := bufio.NewWriter(w)
	for _, c := range creds {
		head := fmt.Sprintf("account %d  ", c.AccountID)
		fmt.Fprintf(bw, "%s%s\n", head, runewidth.Truncate(c.AccountName, credentialsWidth-len(head), "…"))
		line := func(label, value string) { fmt.Fprintf(bw, "  %-27s  %s\n", label, value) }
		line("support owner", c.SupportOwnerEmail)
		line("support API token", c.SupportAPIToken)
		line("support admin password", c.SupportAdminPassword)
		line("chat owner", c.ChatOwnerEmail)
		line("chat access token", c.ChatAccessToken)
		line("chat password (all agents)", c.ChatOwnerPassword)
		for _, oc := range c.OAuthClients {
			if oc.ClientType == chatlift.ClientPublic {
				line("OAuth client (public)", oc.ClientIdentifier)
				continue
			}
			line("OAuth client ("+oc.ClientType+")", oc.ClientIdentifier)
			line("  its secret", oc.ClientSecret)
		}
	}
	return bw.Flush()
}

// writeJSONFile writes v as indented JSON to a file only its owner can read.
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
