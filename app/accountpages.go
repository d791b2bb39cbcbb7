package app

import (
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/ownerweb"
	"github.com/chatlift/chatlift/upgrade"
)

// accountPages are the account owners' pages over the stores and the
// upgrade service, with the checklist the upgrade's activities use.
func (s *Serve) accountPages() *ownerweb.Pages {
	return &ownerweb.Pages{Store: s.Stores.Platform, Accounts: s.Stores.Legacy, Upgrades: s.upgrades,
		Tasks: &upgrade.Checklist{Legacy: s.Stores.Legacy, Platform: s.Stores.Platform,
			Billing: billing.Service{Store: s.Stores.Platform}},
		Settings: upgrade.Settings{Legacy: s.Stores.Legacy, Platform: s.Stores.Platform},
		Rules:    s.cfg.Rules, Logger: s.log.With("component", "account_pages")}
}
