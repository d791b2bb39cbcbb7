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
	batchesKept    = 100   // finished batches remembered
	batchPreviewed = 20
)

// batch is one action carried out on every upgrade a filter selected, in
// the background; its progress is kept in memory.
type batch struct {
	ID, Action, Actor string
	Note              string // the operator's note, on every audit entry
	Filter            filter
	Started           time.Time
	At                time.Time // the slot of a reschedule

	mu       sync.Mutex
	total    int
	accepted int
	refused  []refusal
	nRefused int
	finished *time.Time
}

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

func (b *batch) view() batchView {
	b.mu.Lock()
	defer b.mu.Unlock()
	done := b.accepted + b.nRefused
	return batchView{ID: b.ID, Action: b.Action, Label: actionLabel[b.Action], Actor: b.Actor, Query: b.Filter.Query().Encode(),
		Started: b.Started, At: b.At, Finished: b.finished, Total: b.total, Done: done, Accepted: b.accepted, Refused: b.nRefused,
		Percent: percent(int64(done), int64(b.total)), Refusals: slices.Clone(b.refused)}
}

func (b *batch) record(e *chatlift.AuditEntry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e.Result == "accepted" {
		b.accepted++
		return
	}
	b.nRefused++
	if len(b.refused) < batchRefusals {
		b.refused = append(b.refused, refusal{e.UpgradeID, e.Result})
	}
}

// batches keeps the batches of this process, the newest batchesKept.
type batches struct {
	mu    sync.Mutex
	byID  map[string]*batch
	order []string
}

func (bs *batches) add(b *batch) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.byID[b.ID] = b
	bs.order = append(bs.order, b.ID)
	if len(bs.order) > batchesKept {
		delete(bs.byID, bs.order[0])
		bs.order = bs.order[1:]
	}
}

func (bs *batches) get(id string) *batch {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	return bs.byID[id]
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

// startBatch selects the upgrades again and acts on each in the background.
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
	b := &batch{ID: "batch_" + randomToken()[:12], Action: action, Actor: actor(s), Note: note, Filter: f, Started: c.now(), At: at, total: len(ids)}
	c.batches.add(b)
	go c.runBatch(context.WithoutCancel(r.Context()), s, b, ids)
	http.Redirect(w, r, "/console/batches/"+b.ID, http.StatusSeeOther)
}

func (c *Console) runBatch(ctx context.Context, s *session, b *batch, ids []string) {
	work := make(chan string)
	var wg sync.WaitGroup
	for range batchWorkers {
		wg.Go(func() {
			for id := range work {
				e, err := c.act(ctx, s, id, b.Action, b.At, b.detail(), b.Note)
				if err != nil {
					c.Logger.ErrorContext(ctx, "batch action", "batch", b.ID, "upgrade_id", id, "error", err)
					e = &chatlift.AuditEntry{UpgradeID: id, Result: "failed: internal error"}
				}
				b.record(e)
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	at := c.now()
	b.mu.Lock()
	b.finished = &at
	b.mu.Unlock()
}

// batchPage shows a batch's progress; htmx polls its fragment until it ends.
func (c *Console) batchPage(w http.ResponseWriter, r *http.Request, s *session) {
	b := c.batches.get(r.PathValue("id"))
	if b == nil {
		c.fail(w, r, s, chatlift.Errorf(chatlift.ENOTFOUND, "no batch %s in this process", r.PathValue("id")))
		return
	}
	name := "batch"
	if r.Header.Get("HX-Request") == "true" {
		name = "batchprogress"
	}
	c.render(w, r, http.StatusOK, name, s, b.view())
}
