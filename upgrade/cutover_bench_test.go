package upgrade_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/importer"
	"github.com/chatlift/chatlift/seed"
	"github.com/chatlift/chatlift/upgrade"
)

// BenchmarkCutover measures the chat downtime of the cutover (freeze to
// switch) of an account with 500 agents and 50 departments, with few and
// with many chats: the freeze must not grow with the history.
//
//	go test -run XXX -bench Cutover -benchtime 5x ./upgrade/
func BenchmarkCutover(b *testing.B) {
	for _, chats := range []int{10, 20000} {
		b.Run(fmt.Sprintf("agents=500/departments=50/chats=%d", chats), func(b *testing.B) {
			var total time.Duration
			for i := range b.N {
				b.StopTimer()
				acts, u := bigAccount(b, int64(i+1), chats)
				b.StartTimer()
				start := time.Now()
				res, err := acts.Cutover(context.Background(), u.ID)
				total += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if res.DowntimeMS > 1000 {
					b.Fatalf("downtime %d ms", res.DowntimeMS)
				}
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "downtime-ms/op")
		})
	}
}

// bigAccount seeds one large account in fresh stores with an upgrade ready
// for its cutover.
func bigAccount(b *testing.B, id int64, chats int) (*upgrade.Activities, *chatlift.Upgrade) {
	ctx := context.Background()
	legacy, platform := openStores(b)
	a := seed.Generate(seed.Spec{Accounts: 1, ChatsPerAccount: chats, Seed: 1}, id, 0)
	for n := len(a.Agents); n < 500; n++ {
		a.Agents = append(a.Agents, &chatlift.Agent{ID: int64(n + 1), Email: fmt.Sprintf("agent%d@big.example", n),
			DisplayName: fmt.Sprintf("Agent %d", n), Role: chatlift.ChatRoleAgent, Enabled: true, Departments: []int64{}, Skills: []int64{}})
	}
	for d := 0; d < 50; d++ {
		body, _ := json.Marshal(chatlift.Department{ID: int64(1000 + d), Name: fmt.Sprintf("Department %d", d), Enabled: true, Members: []int64{1, 2, 3}})
		a.Objects = append(a.Objects, &chatlift.Object{Kind: chatlift.KindDepartment, ID: int64(1000 + d), Body: body})
	}
	if _, err := seed.Load(ctx, legacy, platform, a, seed.DefaultStart); err != nil {
		b.Fatal(err)
	}
	acts := &upgrade.Activities{Legacy: legacy, Platform: platform, Billing: &fakeBilling{Service: billing.Service{Store: platform}}, Notifier: &fakeNotifier{},
		Importer: importer.New(legacy, platform, nil), Rules: chatlift.DefaultScheduleRules}
	u := &chatlift.Upgrade{ID: fmt.Sprintf("u%d", id), AccountID: id, State: chatlift.UpgradePreparing, Attempt: 1}
	if err := platform.CreateUpgrade(ctx, u); err != nil {
		b.Fatal(err)
	}
	return acts, u
}
