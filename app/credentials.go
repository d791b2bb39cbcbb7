package app

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/chatlift/chatlift/seed"
)

// PrintCredentials writes one line per account: its owners and the secrets
// the seed made for them.
func PrintCredentials(w io.Writer, creds []*seed.Credentials) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tNAME\tSUPPORT OWNER\tSUPPORT API TOKEN\tCHAT OWNER\tCHAT ACCESS TOKEN\tCHAT PASSWORD")
	for _, c := range creds {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", c.AccountID, c.AccountName, c.SupportOwnerEmail, c.SupportAPIToken, c.ChatOwnerEmail, c.ChatAccessToken, c.ChatOwnerPassword)
		for _, oc := range c.OAuthClients {
			fmt.Fprintf(tw, "\t  oauth client %s (%s)\tsecret %s\t\t\t\t\n", oc.ClientIdentifier, oc.ClientType, oc.ClientSecret)
		}
	}
	return tw.Flush()
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
