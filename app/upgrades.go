package app

import (
	"context"
	"log/slog"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/engine"
	"github.com/chatlift/chatlift/importer"
	"github.com/chatlift/chatlift/notification"
	"github.com/chatlift/chatlift/sqlstore"
	"github.com/chatlift/chatlift/upgrade"
)

// newActivities builds the upgrade's activities over the stores.
// publicURL makes the links in their emails absolute (empty: paths).
func newActivities(stores *Stores, rules chatlift.ScheduleRules, faults *upgrade.Faults, publicURL string, log *slog.Logger) *upgrade.Activities {
	return &upgrade.Activities{
		Legacy: stores.Legacy, Platform: stores.Platform,
		Billing:  billing.Service{Store: stores.Platform},
		Notifier: notifier{notification.Sender{Store: stores.Platform, PublicURL: publicURL}},
		Importer: importer.New(stores.Legacy, stores.Platform, importLimiter(stores)),
		Reverse:  &importer.Verifier{From: stores.Platform, To: stores.Legacy}, // a revert's sync, the other way
		Rules:    rules, Faults: faults, Log: log,
	}
}

// What a revert asks of the stores beyond their chatlift interfaces.
var (
	_ upgrade.LegacyCopy   = (*sqlstore.DB)(nil)
	_ upgrade.PlatformCopy = (*sqlstore.DB)(nil)
)

// notifier sends upgrade notices in-product and through the email outbox.
type notifier struct{ sender notification.Sender }

var _ upgrade.Notifier = notifier{}

func (n notifier) Notify(ctx context.Context, x upgrade.Notice) error {
	_, err := n.sender.Send(ctx, &chatlift.Notification{AccountID: x.AccountID, Key: x.Key, Kind: x.Kind,
		Title: x.Title, Body: x.Body, URL: x.URL}, x.EmailTo)
	return err
}

// upgradeRegistrar registers the upgrade workflow and its activities with
// the in-process worker, with fault injection when configured.
func (s *Serve) upgradeRegistrar() engine.Registrar {
	s.faults = faults(s.cfg.FaultInjection, s.Stores)
	s.upgrades = &upgrade.Service{Legacy: s.Stores.Legacy, Platform: s.Stores.Platform, Temporal: s.Temporal,
		TaskQueue: engine.TaskQueue, Rules: s.cfg.Rules, Log: s.log}
	acts := newActivities(s.Stores, s.cfg.Rules, s.faults, s.publicURL, s.log)
	acts.RevertWindow = s.cfg.RevertWindow
	acts.Requester = s.upgrades
	return upgrade.Registrar{Activities: acts}
}

// faults fires the faults armed in the platform store when on; off, nothing
// is read.
func faults(on bool, stores *Stores) *upgrade.Faults {
	if !on {
		return nil
	}
	return &upgrade.Faults{Store: stores.Platform}
}

// startUpgrades restarts any upgrade whose start was cut short.
func (s *Serve) startUpgrades(ctx context.Context) error {
	return s.upgrades.Recover(ctx)
}
