package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/throttle"
)

// benchOps is the operator of the cutover bench, on the operator API.
type benchOps struct {
	*benchHTTP
	auth string
}

// upgradeTimeout bounds how long one account's upgrade or revert may take.
const upgradeTimeout = 10 * time.Minute

// upgrade reads an upgrade, or acts on it (path after the upgrade's).
func (o *benchOps) upgrade(ctx context.Context, method, path string, body any) (int, *chatlift.Upgrade, error) {
	status, b, err := o.call(ctx, "ops", method, path, o.auth, body)
	var out struct {
		Upgrade chatlift.Upgrade `json:"upgrade"`
	}
	if err == nil && status < 300 {
		err = json.Unmarshal(b, &out)
	}
	if err == nil && status >= 300 {
		err = fmt.Errorf("%s %s: %d %s", method, path, status, b)
	}
	return status, &out.Upgrade, err
}

// await reads the upgrade until it is in state, acting (act non-empty: an
// operator action, sent again while refused with 409) first.
func (o *benchOps) await(ctx context.Context, id, act, state string) (*chatlift.Upgrade, error) {
	deadline := time.Now().Add(upgradeTimeout)
	for {
		if act != "" {
			status, _, err := o.upgrade(ctx, "POST", "/api/ops/upgrades/"+id+"/"+act, nil)
			if again, _ := retryable(status, err); err == nil {
				act = ""
			} else if status != http.StatusConflict && !again {
				return nil, err
			}
		}
		status, u, err := o.upgrade(ctx, "GET", "/api/v2/upgrades/"+id, nil)
		if again, _ := retryable(status, err); err != nil && !again {
			return nil, err
		}
		if err == nil && u.State == state && act == "" {
			return u, nil
		}
		if err == nil && chatlift.Terminal(u.State) && u.State != chatlift.UpgradeCompleted || time.Now().After(deadline) {
			return nil, fmt.Errorf("upgrade %s of account %d is %s (%s), not %s", id, u.AccountID, u.State, u.Error, state)
		}
		if err := throttle.Sleep(ctx, 250*time.Millisecond); err != nil {
			return nil, err
		}
	}
}

// upgradeAll requests every account's upgrade, runs it now and waits until
// all are completed; it returns them in the accounts' order.
func (b *CutoverBench) upgradeAll(ctx context.Context, o *benchOps, accounts []*benchAccountLoad, r *CutoverBenchReport) ([]*chatlift.Upgrade, error) {
	b.phase("upgrading", int64(len(accounts)))
	ups := make([]*chatlift.Upgrade, len(accounts))
	var downtimes []int64
	err := b.each(len(accounts), func(i int) error {
		_, u, err := o.upgrade(ctx, "POST", "/api/v2/upgrades", map[string]any{"account_id": accounts[i].cred.AccountID})
		if err == nil {
			if u, err = o.await(ctx, u.ID, "", chatlift.UpgradeScheduled); err == nil {
				u, err = o.await(ctx, u.ID, "run-now", chatlift.UpgradeCompleted)
			}
		}
		ups[i] = u
		return err
	})
	for _, u := range ups {
		if u != nil && u.State == chatlift.UpgradeCompleted {
			r.Upgrades++
			downtimes = append(downtimes, u.ChatDowntimeMS)
		}
	}
	r.ChatDowntimeP99MS = p99(downtimes)
	return ups, err
}

// revertQuarter reverts every fourth account (a quarter of the fleet) and
// waits until each is reverted.
func (b *CutoverBench) revertQuarter(ctx context.Context, o *benchOps, ups []*chatlift.Upgrade, r *CutoverBenchReport) error {
	n := len(ups) / 4
	b.phase("reverting", int64(n))
	reverted := make([]*chatlift.Upgrade, n)
	err := b.each(n, func(i int) error {
		u, err := o.await(ctx, ups[4*i].ID, "revert", chatlift.UpgradeReverted)
		reverted[i] = u
		return err
	})
	var downtimes []int64
	for _, u := range reverted {
		if u == nil {
			continue
		}
		r.Reverts++
		downtimes = append(downtimes, u.Revert.ChatDowntimeMS)
		if v := u.Revert.Verification; v != nil {
			r.RevertRowsReverseSynced += v.Rows
			for _, t := range v.Tables {
				r.RevertRowsLost += t.SourceRows - t.TargetRows + int64(t.MismatchCount)
			}
		}
	}
	r.RevertDowntimeP99MS = p99(downtimes)
	return err
}

// each runs do for 0..n-1 at once, telling the progress as they finish,
// and returns the first error.
func (b *CutoverBench) each(n int, do func(i int) error) error {
	var wg sync.WaitGroup
	var done atomic.Int64
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = do(i)
			b.progress(done.Add(1))
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// counter reads a counter of the server's /metrics; 0 if it has none.
func (o *benchOps) counter(ctx context.Context, name string) int64 {
	_, b, err := o.call(ctx, "ops", "GET", "/metrics", "", nil)
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if value, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(value), 64)
			return int64(f)
		}
	}
	return 0
}
