package chatapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/importer"
)

// TestChatChangedOnPlatformDuringImportOnce answers two legacy chats on the
// platform while the history imports, one already imported and one not:
// the list, the search and the incremental export each show every chat
// exactly once, the answered ones as the platform has them, across pages
// that neither skip nor repeat.
func TestChatChangedOnPlatformDuringImportOnce(t *testing.T) {
	t.Parallel()
	e, id, legacyChats, token := importing(t)
	ctx := context.Background()
	importBatch(t, e, id, 6)
	// What appending a message on the platform writes: the chat with the
	// message, updated after the switch (a past second, so that the
	// incremental export, which stops before the open second, shows it).
	answered := map[string]int{} // id → messages
	for _, old := range []*chatlift.Chat{legacyChats[0], legacyChats[len(legacyChats)-1]} {
		ch := *old
		ch.History = append(ch.History[:len(ch.History):len(ch.History)], chatlift.Message{Type: "chat.msg", Msg: "Still here",
			SenderType: "Agent", Timestamp: time.Now().Add(-time.Minute)})
		ch.UpdateTimestamp = time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
		if !ch.UpdateTimestamp.After(old.UpdateTimestamp) {
			t.Fatalf("legacy chat %s updated at %v, after the answer", old.ID, old.UpdateTimestamp)
		}
		if err := e.Platform.PutChats(ctx, []*chatlift.Chat{&ch}); err != nil {
			t.Fatal(err)
		}
		answered[ch.ID] = len(ch.History)
	}
	if _, err := e.Platform.Chat(ctx, id, legacyChats[1].ID); err != nil {
		t.Fatalf("chat %s not imported (%v): the test shows less than it says", legacyChats[1].ID, err)
	}
	check := func(t *testing.T, first string, next func(page chatPageOf) string) {
		t.Helper()
		seen := map[string]int{}
		for url := first; url != ""; {
			var page chatPageOf
			e.Call(t, "GET", url, token, nil, http.StatusOK, &page)
			for _, c := range page.Chats {
				seen[c.ID]++
				if n, ok := answered[c.ID]; ok && len(c.History) != n {
					t.Fatalf("chat %s shows %d messages, the platform's copy has %d", c.ID, len(c.History), n)
				}
			}
			url = next(page)
		}
		for _, c := range legacyChats {
			if seen[c.ID] != 1 {
				t.Fatalf("chat %s shown %d times", c.ID, seen[c.ID])
			}
		}
		if len(seen) != len(legacyChats) {
			t.Fatalf("%d chats shown, the account has %d", len(seen), len(legacyChats))
		}
	}
	t.Run("List", func(t *testing.T) {
		check(t, "/api/v2/chat/chats?limit=4", func(p chatPageOf) string { return deref(p.NextURL) })
	})
	t.Run("Search", func(t *testing.T) {
		check(t, "/api/v2/chat/chats/search?limit=4", func(p chatPageOf) string { return deref(p.NextURL) })
	})
	t.Run("IncrementalExport", func(t *testing.T) {
		check(t, "/api/v2/chat/incremental/chats?start_time=0&limit=4", func(p chatPageOf) string {
			if p.Count < 4 {
				return ""
			}
			return p.NextPage
		})
	})
	t.Run("SearchInOneSecond", func(t *testing.T) {
		from := legacyChats[len(legacyChats)-1].UpdateTimestamp.Unix()
		url := fmt.Sprintf("/api/v2/chat/chats/search?start_time=%d&end_time=%d", from, from+1)
		var page chatPageOf
		e.Call(t, "GET", url, token, nil, http.StatusOK, &page)
		for _, c := range page.Chats {
			if _, ok := answered[c.ID]; ok {
				t.Fatalf("chat %s found at its legacy update time; the platform updated it since", c.ID)
			}
		}
	})
}

// chatPageOf is a page of the list, the search or the incremental export as
// a client decodes it.
type chatPageOf struct {
	Chats    []chatlift.Chat
	Count    int
	NextURL  *string `json:"next_url"`
	NextPage string  `json:"next_page"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// importing seeds accounts and moves the one with chats to the platform
// without its history; it returns that account's legacy chats and a
// platform token.
func importing(t *testing.T) (e *env, id int64, legacyChats []*chatlift.Chat, token string) {
	t.Helper()
	e = setup(t, 2, 45)
	id, _ = e.busyAccount(t)
	legacyChats, err := e.Legacy.Chats(context.Background(), chatlift.ChatFilter{AccountID: id, Limit: chatlift.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return e, id, legacyChats, e.UpgradeForImport(t, id)
}

// importBatch imports the account's first batch of history rows.
func importBatch(t *testing.T, e *env, accountID int64, batch int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	copier := &importer.Copier{From: e.Legacy, To: e.Platform, Batch: batch, Throttle: &oneBatch{cancel: cancel}}
	err := copier.Import(ctx, chatlift.ImportJob{UpgradeID: "up-import", AccountID: accountID}, nil)
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// finishImport imports the rest of the job's history with copier and marks
// the account's history imported, as the upgrade does once it verified it.
func finishImport(t *testing.T, e *env, copier *importer.Copier, job chatlift.ImportJob) {
	t.Helper()
	ctx := context.Background()
	if err := copier.Import(ctx, job, nil); err != nil {
		t.Fatal(err)
	}
	unified, err := e.Platform.UnifiedAccount(ctx, job.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	unified.HistoryImported = true
	if err := e.Platform.PutUnifiedAccount(ctx, unified); err != nil {
		t.Fatal(err)
	}
}
