package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/app"
	"github.com/chatlift/chatlift/importer"
)

// legacyDump is a legacy chat account as stored: each row's bytes by a key
// naming its table and its own key.
type legacyDump map[string][]byte

// dumpLegacy reads the accounts from the legacy store of the data dir,
// while no serve has it open.
func dumpLegacy(t *testing.T, data string, accounts []int64) map[int64]legacyDump {
	t.Helper()
	stores := openStores(t, data)
	defer stores.Close()
	out := map[int64]legacyDump{}
	for _, id := range accounts {
		d, err := dumpAccount(context.Background(), stores, id)
		if err != nil {
			t.Fatalf("dump legacy account %d: %v", id, err)
		}
		out[id] = d
	}
	return out
}

func openStores(t *testing.T, data string) *app.Stores {
	t.Helper()
	stores, err := app.OpenStores(context.Background(), data, "")
	if err != nil {
		t.Fatal(err)
	}
	return stores
}

// put adds v's JSON under key.
func (d legacyDump) put(key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the stores' own types always encode
	}
	d[key] = b
}

// dumpAccount reads every row of a legacy chat account: the account, its
// agents (with their password hashes), configuration objects, OAuth
// clients and tokens (with their secrets' hashes) and every history row;
// and what an upgrade changes on the platform before its switch: the
// account's support users and its billing (billing accounts,
// subscriptions, invoices).
func dumpAccount(ctx context.Context, stores *app.Stores, id int64) (legacyDump, error) {
	d, s := legacyDump{}, stores.Legacy
	put := d.put
	a, err := s.ChatAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	put("account", a)
	agents, err := s.Agents(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, g := range agents {
		put(fmt.Sprintf("agent/%d", g.ID), []any{g, g.PasswordHash})
	}
	if err := dumpObjects(ctx, s, id, d); err != nil {
		return nil, err
	}
	clients, err := s.OAuthClients(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, c := range clients {
		put(fmt.Sprintf("oauth_client/%d", c.ID), []any{c, c.SecretHash})
	}
	tokens, err := s.OAuthTokens(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, k := range tokens {
		put(fmt.Sprintf("oauth_token/%d", k.ID), []any{k, k.TokenHash, k.RefreshHash})
	}
	if err := dumpBilling(ctx, stores.Platform, id, d); err != nil {
		return nil, err
	}
	return d, dumpHistory(ctx, s, id, d)
}

// dumpBilling adds the account's support users and billing on the platform.
func dumpBilling(ctx context.Context, p chatlift.PlatformStore, id int64, d legacyDump) error {
	users, err := p.Users(ctx, id)
	if err != nil {
		return err
	}
	for _, u := range users {
		d.put(fmt.Sprintf("platform/user/%d", u.ID), u)
	}
	accounts, err := p.BillingAccounts(ctx, id)
	if err != nil {
		return err
	}
	for _, b := range accounts {
		d.put(fmt.Sprintf("platform/billing_account/%d", b.ID), b)
		subs, err := p.Subscriptions(ctx, b.ID)
		if err != nil {
			return err
		}
		for _, s := range subs {
			d.put(fmt.Sprintf("platform/subscription/%d/%d", b.ID, s.ID), s)
		}
		invoices, err := p.Invoices(ctx, b.ID)
		if err != nil {
			return err
		}
		for _, inv := range invoices {
			d.put(fmt.Sprintf("platform/invoice/%d/%d", b.ID, inv.ID), inv)
		}
	}
	return nil
}

// dumpObjects adds the account's configuration objects, each by kind and id.
func dumpObjects(ctx context.Context, s chatlift.ChatStore, id int64, d legacyDump) error {
	for _, kind := range chatlift.ObjectKinds {
		objs, err := s.Objects(ctx, id, kind)
		if err != nil {
			return err
		}
		for _, o := range objs {
			d[fmt.Sprintf("object/%s/%d", kind, o.ID)] = o.Body
		}
	}
	return nil
}

// dumpHistory adds every history row as the store keeps it (the raw rows
// the importer copies), its update time included.
func dumpHistory(ctx context.Context, s chatlift.ChatStore, id int64, d legacyDump) error {
	for _, table := range chatlift.HistoryTables {
		for after := ""; ; {
			rows, err := s.RawRows(ctx, table, id, after, "", chatlift.MaxLimit)
			if err != nil {
				return err
			}
			for _, r := range rows {
				d[table+"/"+r.Key] = append([]byte(fmt.Sprintf("%d\x00", r.UpdateS)), r.Body...)
			}
			if len(rows) < chatlift.MaxLimit {
				break
			}
			after = rows[len(rows)-1].Key
		}
	}
	return nil
}

// diff lists the keys whose bytes differ between want and got: missing,
// added or changed.
func (want legacyDump) diff(got legacyDump) []string {
	var out []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			out = append(out, k+": missing")
		} else if !bytes.Equal(w, g) {
			out = append(out, fmt.Sprintf("%s: was %.120s, is %.120s", k, w, g))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			out = append(out, k+": added")
		}
	}
	sort.Strings(out)
	return out
}

// prove checks the end of the drill on the stores: every upgrade completed
// with the platform holding every legacy row, or rolled back and scheduled
// again with the legacy account byte-identical to its dump before the drill.
func (d *drill) prove(final map[string]drillUpgrade) (completed, rolledBack int, rows int64) {
	d.t.Helper()
	stores := openStores(d.t, d.data)
	defer stores.Close()
	for _, account := range d.accounts {
		u := final[d.upgrades[account]]
		if step, ok := d.failing[account]; ok && u.State == chatlift.UpgradeCompleted {
			d.t.Logf("account %d was armed to fail at %s and completed: a kill took the failure before the engine had it, and the retry ran before the fault was armed again", account, step)
		}
		switch {
		case u.State == chatlift.UpgradeCompleted:
			completed++
			d.t.Run(fmt.Sprintf("Completed/%d", account), func(t *testing.T) { rows += proveCompleted(t, stores, account) })
		case u.State == chatlift.UpgradeScheduled && u.Attempt > 1:
			rolledBack++
			d.t.Run(fmt.Sprintf("RolledBack/%d", account), func(t *testing.T) { proveRolledBack(t, stores, account, d.before[account]) })
		default:
			d.t.Errorf("upgrade %s of account %d ended %s at attempt %d", u.ID, account, u.State, u.Attempt)
		}
	}
	return completed, rolledBack, rows
}

// proveCompleted: the account is upgraded, and every history row and
// configuration object of the legacy store is on the platform with the
// same bytes, and nothing more (the importer's own verifier, without
// repair, compares the history key by key). It returns the history rows.
func proveCompleted(t *testing.T, stores *app.Stores, account int64) int64 {
	ctx := context.Background()
	legacy, err := stores.Legacy.ChatAccount(ctx, account)
	if err != nil || legacy.State != chatlift.ChatAccountUpgraded {
		t.Fatalf("legacy account: %+v, %v; want upgraded", legacy, err)
	}
	v := importer.Verifier{From: stores.Legacy, To: stores.Platform}
	got, err := v.Verify(ctx, chatlift.ImportJob{AccountID: account}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tv := range got.Tables {
		if tv.SourceRows != tv.TargetRows || tv.SourceChecksum != tv.TargetChecksum || tv.MismatchCount > 0 {
			t.Errorf("%s: %d legacy rows, %d on the platform, checksums %s and %s, mismatches %+v",
				tv.Table, tv.SourceRows, tv.TargetRows, tv.SourceChecksum, tv.TargetChecksum, tv.Mismatches)
		}
	}
	from, err := stores.Legacy.CountHistory(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	to, err := stores.Platform.CountHistory(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	if from != to || !got.Passed {
		t.Errorf("history rows: legacy %+v, platform %+v (verification passed: %t)", from, to, got.Passed)
	}
	want, have := legacyDump{}, legacyDump{}
	if err := dumpObjects(ctx, stores.Legacy, account, want); err != nil {
		t.Fatal(err)
	}
	if err := dumpObjects(ctx, stores.Platform, account, have); err != nil {
		t.Fatal(err)
	}
	if diff := want.diff(have); len(diff) > 0 {
		t.Errorf("configuration on the platform differs from the legacy store:\n%q", diff)
	}
	return from.Total()
}

// proveRolledBack: the legacy account, with its support users and billing,
// is byte-identical to its dump from before the drill, and the platform
// holds none of its chat data.
func proveRolledBack(t *testing.T, stores *app.Stores, account int64, before legacyDump) {
	ctx := context.Background()
	after, err := dumpAccount(ctx, stores, account)
	if err != nil {
		t.Fatal(err)
	}
	if diff := before.diff(after); len(diff) > 0 {
		t.Errorf("legacy account changed by its rolled-back upgrade:\n%q", diff)
	}
	if _, err := stores.Platform.ChatAccount(ctx, account); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		t.Errorf("platform chat account after the rollback: %v, want not found", err)
	}
	if n, err := stores.Platform.CountHistory(ctx, account); err != nil || n.Total() != 0 {
		t.Errorf("platform history after the rollback: %+v, %v; want none", n, err)
	}
}
