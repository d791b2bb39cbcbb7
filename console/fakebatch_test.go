package console_test

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
)

// fakeBatches keeps batches and their upgrades in memory, with the
// platform store's rules; the zero value is ready. It keeps the context of
// the last claim, to see the console stop claiming.
type fakeBatches struct {
	bmu      sync.Mutex
	batches  map[string]chatlift.BatchAction
	items    map[string][]*chatlift.BatchItem
	claimCtx context.Context
}

func (f *fakeBatches) CreateBatchAction(_ context.Context, b *chatlift.BatchAction, ids []string) error {
	if err := b.Validate(); err != nil {
		return err
	}
	f.bmu.Lock()
	defer f.bmu.Unlock()
	if f.batches == nil {
		f.batches, f.items = map[string]chatlift.BatchAction{}, map[string][]*chatlift.BatchItem{}
	}
	if _, taken := f.batches[b.ID]; taken {
		return chatlift.Errorf(chatlift.ECONFLICT, "batch exists")
	}
	f.batches[b.ID] = *b
	for i, id := range ids {
		f.items[b.ID] = append(f.items[b.ID], &chatlift.BatchItem{BatchID: b.ID, Seq: i + 1, UpgradeID: id})
	}
	return nil
}

func (f *fakeBatches) BatchAction(_ context.Context, id string) (*chatlift.BatchAction, error) {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	b, ok := f.batches[id]
	if !ok {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no batch %s", id)
	}
	for _, it := range f.items[id] {
		b.Total++
		if it.Result != "" {
			b.Done++
		}
		if it.Result == chatlift.BatchResultAccepted {
			b.Accepted++
		}
	}
	return &b, nil
}

func (f *fakeBatches) UnfinishedBatchActions(ctx context.Context) ([]*chatlift.BatchAction, error) {
	f.bmu.Lock()
	var ids []string
	for id, b := range f.batches {
		if b.Finished == nil {
			ids = append(ids, id)
		}
	}
	f.bmu.Unlock()
	sort.Strings(ids)
	var list []*chatlift.BatchAction
	for _, id := range ids {
		b, _ := f.BatchAction(ctx, id)
		list = append(list, b)
	}
	return list, nil
}

func (f *fakeBatches) ClaimBatchItem(ctx context.Context, batchID string, now time.Time) (*chatlift.BatchItem, error) {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	f.claimCtx = ctx
	for _, it := range f.items[batchID] {
		if it.Claimed == nil {
			at := now
			it.Claimed = &at
			c := *it
			return &c, nil
		}
	}
	return nil, chatlift.Errorf(chatlift.ENOTFOUND, "none waits")
}

func (f *fakeBatches) RecordBatchItem(_ context.Context, batchID, upgradeID, result string) error {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	for _, it := range f.items[batchID] {
		switch {
		case it.UpgradeID != upgradeID:
		case it.Claimed == nil:
			return chatlift.Errorf(chatlift.ENOTFOUND, "not claimed")
		case it.Result != "":
			return chatlift.Errorf(chatlift.ECONFLICT, "already recorded")
		default:
			it.Result = result
			return nil
		}
	}
	return chatlift.Errorf(chatlift.ENOTFOUND, "no such upgrade in the batch")
}

func (f *fakeBatches) BatchItems(_ context.Context, q chatlift.BatchItemFilter) ([]*chatlift.BatchItem, error) {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	var list []*chatlift.BatchItem
	for _, it := range f.items[q.BatchID] {
		claimed := it.Claimed != nil && it.Result == ""
		refused := it.Result != "" && it.Result != chatlift.BatchResultAccepted
		if it.Seq > q.AfterSeq && (!q.Claimed || claimed) && (!q.Refused || refused) && len(list) < chatlift.PageSize(q.Limit) {
			c := *it
			list = append(list, &c)
		}
	}
	return list, nil
}

func (f *fakeBatches) FinishBatchAction(_ context.Context, id string, at time.Time) (bool, error) {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	b, ok := f.batches[id]
	if !ok {
		return false, chatlift.Errorf(chatlift.ENOTFOUND, "no batch %s", id)
	}
	for _, it := range f.items[id] {
		if it.Result == "" {
			return b.Finished != nil, nil
		}
	}
	if b.Finished == nil {
		b.Finished = &at
		f.batches[id] = b
	}
	return true, nil
}

// claims is the context of the last claim.
func (f *fakeBatches) claims() context.Context {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	return f.claimCtx
}

// results lists the batch's upgrades with their results, in order.
func (f *fakeBatches) results(id string) []string {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	var out []string
	for _, it := range f.items[id] {
		out = append(out, it.UpgradeID+" "+it.Result)
	}
	return out
}
