package chatapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/importer"
)

// oneBatch lets one import batch through, then stops the import.
type oneBatch struct {
	passed bool
	cancel context.CancelFunc
}

func (o *oneBatch) Acquire(context.Context, string) (func(), error) { return func() {}, nil }
func (o *oneBatch) Wait(ctx context.Context, _ string, _ int) error {
	if o.passed {
		o.cancel()
		return ctx.Err()
	}
	o.passed = true
	return nil
}

// TestPlatformServesHistoryDuringImport pages the platform's incremental
// export and chat list while the import runs one batch between pages and
// new chats are made on the platform: every chat comes exactly once, with
// the import's progress on each page until the import is done.
func TestPlatformServesHistoryDuringImport(t *testing.T) {
	t.Parallel()
	e, id, legacyChats, token := importing(t)
	ctx := context.Background()
	copier := &importer.Copier{From: e.Legacy, To: e.Platform, Batch: 6}
	job := chatlift.ImportJob{UpgradeID: "up-import", AccountID: id}
	step := func() {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		copier.Throttle = &oneBatch{cancel: cancel}
		if err := copier.Import(ctx, job, nil); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
	made := map[string]bool{}
	newChat := func() {
		var ch chatlift.Chat
		e.Call(t, "POST", "/api/v2/chat/chats", token, map[string]any{"visitor": map[string]string{"name": "Ada"}, "message": "Still there?"}, http.StatusCreated, &ch)
		random := ch.ID[strings.LastIndex(ch.ID, ".")+1:]
		if random != strings.ToLower(random) {
			t.Fatalf("a platform chat id %q could be a legacy one", ch.ID)
		}
		made[ch.ID] = true
	}

	t.Run("ListAndShow", func(t *testing.T) {
		seen := map[string]int{}
		next := "/api/v2/chat/chats?limit=9"
		for {
			var page listedPage
			e.Call(t, "GET", next, token, nil, http.StatusOK, &page)
			for _, c := range page.Chats {
				seen[c.ID]++
			}
			if page.NextURL == nil {
				break
			}
			step()
			newChat()
			next = *page.NextURL
		}
		if len(seen) != len(legacyChats)+len(made) {
			t.Fatalf("%d chats listed; %d legacy and %d new exist", len(seen), len(legacyChats), len(made))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("chat %s listed %d times", id, n)
			}
		}
		// The last legacy chat is not imported yet, and shows all the same.
		last := legacyChats[len(legacyChats)-1]
		if _, err := e.Platform.Chat(ctx, id, last.ID); chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
			t.Fatalf("the import already has %s (%v): the test shows nothing", last.ID, err)
		}
		var got chatlift.Chat
		e.Call(t, "GET", "/api/v2/chat/chats/"+last.ID, token, nil, http.StatusOK, &got)
		if got.ID != last.ID || len(got.History) != len(last.History) {
			t.Fatalf("chat not yet imported shows as %s with %d messages", got.ID, len(got.History))
		}
	})
	t.Run("IncrementalExport", func(t *testing.T) {
		seen := map[string]int{}
		next := "/api/v2/chat/incremental/chats?start_time=0&limit=7"
		caughtUp := false
		for {
			var page struct {
				Chats    []chatlift.Chat
				Count    int
				NextPage string                   `json:"next_page"`
				Import   *chatlift.ImportProgress `json:"import"`
			}
			e.Call(t, "GET", next, token, nil, http.StatusOK, &page)
			if page.Import == nil || page.Import.State != chatlift.ImportRunning {
				t.Fatalf("a page during the import has import %+v", page.Import)
			}
			for _, c := range page.Chats {
				seen[c.ID]++
			}
			next = page.NextPage
			switch {
			case page.Count < 7 && caughtUp:
			case page.Count < 7:
				// The chats made in the second still open come on the
				// next poll, once it has closed.
				time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1010 * time.Millisecond)))
				caughtUp = true
				continue
			case !caughtUp:
				step()
				newChat()
				continue
			default:
				continue
			}
			break
		}
		for _, c := range legacyChats {
			if seen[c.ID] != 1 {
				t.Fatalf("legacy chat %s exported %d times", c.ID, seen[c.ID])
			}
		}
		for id := range made {
			if seen[id] != 1 {
				t.Fatalf("platform chat %s exported %d times", id, seen[id])
			}
		}
		if len(seen) != len(legacyChats)+len(made) {
			t.Fatalf("%d chats exported; %d legacy and %d new exist", len(seen), len(legacyChats), len(made))
		}
	})
	t.Run("AfterImport", func(t *testing.T) {
		copier.Throttle = nil
		finishImport(t, e, copier, job)
		var page struct {
			Chats  []chatlift.Chat
			Import *chatlift.ImportProgress `json:"import"`
		}
		e.Call(t, "GET", "/api/v2/chat/incremental/chats?start_time=0", token, nil, http.StatusOK, &page)
		if page.Import != nil || len(page.Chats) != len(legacyChats)+len(made) {
			t.Fatalf("after the import: %d chats, import %+v", len(page.Chats), page.Import)
		}
	})
}

// listedPage is the chat list's page as a client decodes it.
type listedPage struct {
	Chats   []chatlift.Chat
	NextURL *string                  `json:"next_url"`
	Import  *chatlift.ImportProgress `json:"import"`
}
