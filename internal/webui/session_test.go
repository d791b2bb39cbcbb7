package webui_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui"
	"github.com/chatlift/chatlift/internal/webui/webuitest"
)

var t0 = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

type who struct{ Name string }

func setup(t *testing.T, max int) (*webuitest.Sessions, *webui.Sessions[who]) {
	t.Helper()
	store := &webuitest.Sessions{}
	return store, webui.NewSessions[who](store, chatlift.FaceConsole, time.Hour, max, slog.New(slog.DiscardHandler))
}

func TestSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		_, ss := setup(t, 10)
		s, err := ss.Create(ctx, who{"Aiko"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ss.Get(ctx, s.ID, t0.Add(time.Minute))
		if err != nil || got == nil || got.User.Name != "Aiko" || got.CSRF != s.CSRF || !got.Expires.Equal(t0.Add(time.Hour)) {
			t.Fatalf("Get = %+v, %v; want the session made", got, err)
		}
		if got, err := ss.Get(ctx, s.ID, t0.Add(time.Hour)); got != nil || err != nil {
			t.Fatalf("expired session = %+v, %v", got, err)
		}
	})
	t.Run("Cap", func(t *testing.T) {
		_, ss := setup(t, 2)
		var ids []string
		for i := range 3 {
			s, err := ss.Create(ctx, who{}, t0.Add(time.Duration(i)*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, s.ID)
		}
		for i, id := range ids {
			s, err := ss.Get(ctx, id, t0.Add(5*time.Minute))
			if err != nil || (s == nil) != (i == 0) {
				t.Fatalf("session %d after a third past a cap of 2: %+v, %v", i, s, err)
			}
		}
	})
	t.Run("OtherFace", func(t *testing.T) {
		store, ss := setup(t, 10)
		s, _ := ss.Create(ctx, who{"Aiko"}, t0)
		account := webui.NewSessions[who](store, chatlift.FaceAccount, time.Hour, 10, slog.New(slog.DiscardHandler))
		if got, err := account.Get(ctx, s.ID, t0); got != nil || err != nil {
			t.Fatalf("a console session on the account pages: %+v, %v", got, err)
		}
	})
	t.Run("Flash", func(t *testing.T) {
		_, ss := setup(t, 10)
		s, _ := ss.Create(ctx, who{}, t0)
		ss.SetFlash(ctx, s, "Pause: accepted")
		next, _ := ss.Get(ctx, s.ID, t0)
		if f := ss.TakeFlash(next); f != "Pause: accepted" {
			t.Fatalf("flash = %q", f)
		}
		again, _ := ss.Get(ctx, s.ID, t0)
		if f := ss.TakeFlash(again); f != "" {
			t.Fatalf("flash shown twice: %q", f)
		}
	})
	t.Run("UnreadableUserEnds", func(t *testing.T) {
		store, ss := setup(t, 10)
		names := webui.NewSessions[string](store, chatlift.FaceConsole, time.Hour, 10, slog.New(slog.DiscardHandler))
		s, _ := names.Create(ctx, "Aiko", t0) // a user kept by another version of the face
		if got, err := ss.Get(ctx, s.ID, t0); got != nil || err != nil {
			t.Fatalf("session with unreadable user = %+v, %v", got, err)
		}
		if n := store.Len(chatlift.FaceConsole); n != 0 {
			t.Fatalf("%d sessions kept, want the unreadable one ended", n)
		}
	})
}
