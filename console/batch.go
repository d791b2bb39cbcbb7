package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
)

const (
	maxBatch       = 10000 // upgrades one batch acts on
	batchWorkers   = 4     // actions of a batch in flight at once
	batchRefusals  = 100   // refusals a batch lists
	batchPreviewed = 20
	// claimLease is how long an upgrade a worker claimed is taken to be
	// in its hands: past it, with no result, the worker's process is gone.
	claimLease = 2 * time.Minute
	// resumeEvery is how often the console looks for batches no process
	// runs, when ResumeEvery is 0.
	resumeEvery = 30 * time.Second
)

// A batch is one action carried out on every upgrade a filter selected, in
// the background. The platform store keeps it and each upgrade's outcome:
// its progress outlives the process, and a batch a stopped process left
// unfinished is finished by the next console to look (Start). Each upgrade
// is claimed before it is acted on and its result recorded before the
// worker moves on, so no upgrade is acted on twice.

type refusal struct{ UpgradeID, Result string }

// batchView is a batch's progress at one moment.
type batchView struct {
	ID, Action, Label, Actor, Query string
	Started, At                     time.Time
	Finished                        *time.Time
	Total, Done, Accepted, Refused  int
	Percent                         int64
	Refusals                        []refusal
}

// running is the set of batches this process is acting on.
type running struct {
	mu  sync.Mutex
	ids map[string]bool
}

// begin marks the batch running here; false if it already is.
func (rs *running) begin(id string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.ids[id] {
		return false
	}
	rs.ids[id] = true
	return true
}

func (rs *running) end(id string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	delete(rs.ids, id)
}

type batchConfirm struct {
	Action, Label, Effect string
	Filter                filter
	Count                 int
	Capped                bool
	Preview               []*chatlift.Upgrade
	Slots                 []slotRoom // for reschedule
}

// parseBatch reads a batch's action and filter from v.
func parseBatch(v url.Values) (string, filter, error) {
	f, err := parseFilter(v)
	action := trimmed(v, "action")
	if err == nil && !slices.Contains(batchActions, action) {
		err = chatlift.Errorf(chatlift.EINVALID, "a batch action is one of %v", batchActions)
	}
	return action, f, err
}

// confirmBatch says how many upgrades the batch will act on, and what it
// will do to each.
func (c *Console) confirmBatch(w http.ResponseWriter, r *http.Request, s *session) {
	action, f, err := parseBatch(r.URL.Query())
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	d := batchConfirm{Action: action, Label: actionLabel[action], Effect: actionEffect[action], Filter: f}
	if action == "reschedule" {
		d.Effect = batchRescheduleEffect
		if d.Slots, err = c.batchSlots(r.Context()); err != nil {
			c.fail(w, r, s, err)
			return
		}
	}
	_, err = c.scan(r.Context(), f, "", 0, func(u *chatlift.Upgrade) bool {
		if d.Count++; len(d.Preview) < batchPreviewed {
			d.Preview = append(d.Preview, u)
		}
		d.Capped = d.Count >= maxBatch
		return !d.Capped
	})
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.render(w, r, http.StatusOK, "batchconfirm", s, d)
}

// startBatch selects the upgrades again, records the batch with them and
// acts on each in the background.
func (c *Console) startBatch(w http.ResponseWriter, r *http.Request, s *session) {
	action, f, err := parseBatch(r.PostForm)
	var at time.Time
	if err == nil && action == "reschedule" {
		at, err = c.parseBatchSlot(r.Context(), r.PostForm.Get("slot"))
	}
	var note string
	if err == nil {
		note, err = auditNote(r.PostForm.Get("note"))
	}
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	var ids []string
	if _, err = c.scan(r.Context(), f, "", 0, func(u *chatlift.Upgrade) bool {
		ids = append(ids, u.ID)
		return len(ids) < maxBatch
	}); err != nil {
		c.fail(w, r, s, err)
		return
	}
	b := &chatlift.BatchAction{ID: "batch_" + randomToken()[:12], Action: action, Actor: actor(s), Note: note,
		Query: f.Query().Encode(), Started: c.now()}
	if action == "reschedule" {
		b.At = &at
	}
	if err := c.Store.CreateBatchAction(r.Context(), b, ids); err != nil {
		c.fail(w, r, s, err)
		return
	}
	c.goRun(b)
	http.Redirect(w, r, "/console/batches/"+b.ID, http.StatusSeeOther)
}

// goRun runs the batch in the background until it is done or the console
// stops.
func (c *Console) goRun(b *chatlift.BatchAction) {
	if !c.batches.begin(b.ID) {
		return
	}
	c.workers.Go(func() {
		defer c.batches.end(b.ID)
		c.runBatch(c.ctx, b)
	})
}

// runBatch acts on the batch's waiting upgrades, batchWorkers at a time,
// then settles what other workers left and finishes the batch.
func (c *Console) runBatch(ctx context.Context, b *chatlift.BatchAction) {
	var wg sync.WaitGroup
	for range batchWorkers {
		wg.Go(func() { c.batchWorker(ctx, b) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return
	}
	if err := c.settleBatch(ctx, b); err != nil {
		c.Logger.ErrorContext(ctx, "settle batch", "batch", b.ID, "error", err)
	}
}

// batchWorker claims the batch's next waiting upgrade, acts on it and
// records the result, until none waits or the console stops. An action
// under way when the console stops runs to its end and is recorded.
func (c *Console) batchWorker(ctx context.Context, b *chatlift.BatchAction) {
	var at time.Time
	if b.At != nil {
		at = *b.At
	}
	for ctx.Err() == nil {
		it, err := c.Store.ClaimBatchItem(ctx, b.ID, c.now())
		if chatlift.ErrorCode(err) == chatlift.ENOTFOUND || ctx.Err() != nil {
			return
		} else if err != nil {
			c.Logger.ErrorContext(ctx, "claim a batch upgrade", "batch", b.ID, "error", err)
			return
		}
		actx := context.WithoutCancel(ctx)
		result := "failed: internal error"
		if e, err := c.act(actx, b.Actor, it.UpgradeID, b.Action, at, batchDetail(b), b.Note); err != nil {
			c.Logger.ErrorContext(ctx, "batch action", "batch", b.ID, "upgrade_id", it.UpgradeID, "error", err)
		} else {
			result = e.Result
		}
		if err := c.Store.RecordBatchItem(actx, b.ID, it.UpgradeID, result); err != nil {
			c.Logger.ErrorContext(ctx, "record a batch result", "batch", b.ID, "upgrade_id", it.UpgradeID, "error", err)
		}
	}
}

// settleBatch gives a result to every upgrade a worker claimed longer than
// claimLease ago and never recorded (its process stopped): the audit
// trail's entry for it if the action was done, else "interrupted". It
// never acts again. The batch is finished once every upgrade has a result.
func (c *Console) settleBatch(ctx context.Context, b *chatlift.BatchAction) error {
	for after := 0; ; {
		list, err := c.Store.BatchItems(ctx, chatlift.BatchItemFilter{BatchID: b.ID, Claimed: true, AfterSeq: after})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			break
		}
		after = list[len(list)-1].Seq
		for _, it := range list {
			if c.now().Before(it.Claimed.Add(claimLease)) {
				continue // a live worker may still hold it
			}
			result, err := c.orphanResult(ctx, b, it.UpgradeID)
			if err != nil {
				return err
			}
			if err := c.Store.RecordBatchItem(ctx, b.ID, it.UpgradeID, result); err != nil && chatlift.ErrorCode(err) != chatlift.ECONFLICT {
				return err
			}
		}
	}
	_, err := c.Store.FinishBatchAction(ctx, b.ID, c.now())
	return err
}

// orphanResult is the result of an upgrade whose worker stopped before
// recording it: what the audit trail says the action did, if it was done.
func (c *Console) orphanResult(ctx context.Context, b *chatlift.BatchAction, upgradeID string) (string, error) {
	entries, err := c.Store.AuditEntries(ctx, upgradeID, chatlift.DefaultLimit)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Action == b.Action && e.Detail == batchDetail(b) {
			return e.Result, nil
		}
	}
	return "interrupted: the server stopped while acting on it; look at the upgrade before acting again", nil
}

// resumeBatches runs every unfinished batch this process is not running:
// those a stopped process left, and those whose upgrades it left claimed.
func (c *Console) resumeBatches(ctx context.Context) {
	list, err := c.Store.UnfinishedBatchActions(ctx)
	if err != nil {
		c.Logger.ErrorContext(ctx, "list unfinished batches", "error", err)
		return
	}
	for _, b := range list {
		c.goRun(b)
	}
}

// batchDetail is what each action of the batch writes in the audit trail.
func batchDetail(b *chatlift.BatchAction) string {
	if b.Action == "reschedule" && b.At != nil {
		return "batch " + b.ID + ", to " + when(*b.At)
	}
	return "batch " + b.ID
}

// batchPage shows a batch's progress; htmx polls its fragment until it ends.
func (c *Console) batchPage(w http.ResponseWriter, r *http.Request, s *session) {
	b, err := c.Store.BatchAction(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	refused, err := c.Store.BatchItems(r.Context(), chatlift.BatchItemFilter{BatchID: b.ID, Refused: true, Limit: batchRefusals})
	if err != nil {
		c.fail(w, r, s, err)
		return
	}
	v := batchView{ID: b.ID, Action: b.Action, Label: actionLabel[b.Action], Actor: b.Actor, Query: b.Query, Started: b.Started,
		Finished: b.Finished, Total: b.Total, Done: b.Done, Accepted: b.Accepted, Refused: b.Done - b.Accepted,
		Percent: percent(int64(b.Done), int64(b.Total))}
	if b.At != nil {
		v.At = *b.At
	}
	for _, it := range refused {
		v.Refusals = append(v.Refusals, refusal{it.UpgradeID, it.Result})
	}
	name := "batch"
	if r.Header.Get("HX-Request") == "true" {
		name = "batchprogress"
	}
	c.render(w, r, http.StatusOK, name, s, v)
}
