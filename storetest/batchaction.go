package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func batchAction(id string, at time.Duration) *chatlift.BatchAction {
	slot := t0.Add(48 * time.Hour)
	return &chatlift.BatchAction{ID: id, Action: "reschedule", Actor: "operator (Aiko)", Note: "freeze week",
		Query: "state=scheduled", At: &slot, Started: t0.Add(at)}
}

// testBatchActions: a batch comes back with its counts; its upgrades are
// claimed in order, each result recorded once; it finishes only when
// every upgrade has a result.
func testBatchActions(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	wantCode(t, s.CreateBatchAction(ctx, &chatlift.BatchAction{ID: "b"}, nil), chatlift.EINVALID)
	b := batchAction("batch_1", 0)
	must(t, s.CreateBatchAction(ctx, b, []string{"upg_a", "upg_b", "upg_c"}))
	wantCode(t, s.CreateBatchAction(ctx, b, nil), chatlift.ECONFLICT)
	_, err := s.BatchAction(ctx, "batch_none")
	wantCode(t, err, chatlift.ENOTFOUND)
	got, err := s.BatchAction(ctx, b.ID)
	must(t, err)
	want := *b
	want.Total = 3
	same(t, "the batch", got, &want)

	wantCode(t, s.RecordBatchItem(ctx, b.ID, "upg_a", "accepted"), chatlift.ENOTFOUND) // not claimed yet
	for _, id := range []string{"upg_a", "upg_b", "upg_c"} {
		it, err := s.ClaimBatchItem(ctx, b.ID, t0.Add(time.Minute))
		must(t, err)
		same(t, "claimed", it.UpgradeID, id)
		same(t, "claimed at", it.Claimed, t0.Add(time.Minute))
	}
	_, err = s.ClaimBatchItem(ctx, b.ID, t0)
	wantCode(t, err, chatlift.ENOTFOUND)
	wantCode(t, s.RecordBatchItem(ctx, b.ID, "upg_a", ""), chatlift.EINVALID)
	must(t, s.RecordBatchItem(ctx, b.ID, "upg_a", chatlift.BatchResultAccepted))
	wantCode(t, s.RecordBatchItem(ctx, b.ID, "upg_a", "refused: twice"), chatlift.ECONFLICT)
	wantCode(t, s.RecordBatchItem(ctx, b.ID, "upg_z", "accepted"), chatlift.ENOTFOUND)
	must(t, s.RecordBatchItem(ctx, b.ID, "upg_b", "refused: the slot is full"))

	claimed, err := s.BatchItems(ctx, chatlift.BatchItemFilter{BatchID: b.ID, Claimed: true})
	must(t, err)
	same(t, "claimed without a result", len(claimed), 1)
	same(t, "claimed without a result", claimed[0].UpgradeID, "upg_c")
	refused, err := s.BatchItems(ctx, chatlift.BatchItemFilter{BatchID: b.ID, Refused: true})
	must(t, err)
	same(t, "refused", len(refused), 1)
	same(t, "refused", refused[0].Result, "refused: the slot is full")
	all, err := s.BatchItems(ctx, chatlift.BatchItemFilter{BatchID: b.ID, AfterSeq: 1, Limit: 1})
	must(t, err)
	same(t, "page after the first", all[0].UpgradeID, "upg_b")

	done, err := s.FinishBatchAction(ctx, b.ID, t0.Add(time.Hour))
	must(t, err)
	same(t, "finished with an upgrade left", done, false)
	must(t, s.RecordBatchItem(ctx, b.ID, "upg_c", "interrupted: the server stopped"))
	done, err = s.FinishBatchAction(ctx, b.ID, t0.Add(time.Hour))
	must(t, err)
	same(t, "finished", done, true)
	done, err = s.FinishBatchAction(ctx, b.ID, t0.Add(2*time.Hour))
	must(t, err)
	same(t, "finished again", done, true)
	_, err = s.FinishBatchAction(ctx, "batch_none", t0)
	wantCode(t, err, chatlift.ENOTFOUND)
	got, err = s.BatchAction(ctx, b.ID)
	must(t, err)
	same(t, "counts", []int{got.Total, got.Done, got.Accepted}, []int{3, 3, 1})
	same(t, "finished at the first finish", got.Finished, t0.Add(time.Hour))
}

// testUnfinishedBatchActions: the batches still running, oldest first.
func testUnfinishedBatchActions(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	must(t, s.CreateBatchAction(ctx, batchAction("batch_z", 0), []string{"upg_a"}))
	must(t, s.CreateBatchAction(ctx, batchAction("batch_a", time.Minute), nil))
	must(t, s.CreateBatchAction(ctx, batchAction("batch_m", 2*time.Minute), []string{"upg_b"}))
	_, err := s.FinishBatchAction(ctx, "batch_a", t0)
	must(t, err)
	list, err := s.UnfinishedBatchActions(ctx)
	must(t, err)
	var ids []string
	for _, b := range list {
		ids = append(ids, b.ID)
	}
	same(t, "unfinished", ids, []string{"batch_z", "batch_m"})
}

// testBatchClaims: workers claiming at once take each upgrade exactly once.
func testBatchClaims(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	var ids []string
	for i := range 1200 { // more than one INSERT's worth
		ids = append(ids, fmt.Sprintf("upg_%04d", i))
	}
	must(t, s.CreateBatchAction(ctx, batchAction("batch_1", 0), ids))
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for {
				it, err := s.ClaimBatchItem(ctx, "batch_1", t0)
				if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
					return
				} else if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[it.UpgradeID]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("%s claimed %d times", id, seen[id])
		}
	}
}
