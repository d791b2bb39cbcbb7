package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// webSession is a session of face made at t0+at that lasts an hour.
func webSession(face, id string, at time.Duration) *chatlift.WebSession {
	h := sha256.Sum256([]byte(id))
	return &chatlift.WebSession{Face: face, IDHash: hex.EncodeToString(h[:]), CSRF: "csrf-" + id,
		User: []byte(`{"name":"` + id + `"}`), Created: t0.Add(at), Expires: t0.Add(at + time.Hour)}
}

// testWebSessions: a session comes back by face and id hash while live;
// expired ones are refused and pruned; deleted ones are gone.
func testWebSessions(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	a := webSession(chatlift.FaceConsole, "a", 0)
	wantCode(t, s.CreateWebSession(ctx, &chatlift.WebSession{Face: "admin", IDHash: a.IDHash, CSRF: "x", Created: t0, Expires: t0.Add(time.Hour)}, 10), chatlift.EINVALID)
	wantCode(t, s.CreateWebSession(ctx, &chatlift.WebSession{Face: chatlift.FaceConsole, IDHash: "short", CSRF: "x", Created: t0, Expires: t0.Add(time.Hour)}, 10), chatlift.EINVALID)
	must(t, s.CreateWebSession(ctx, a, 10))
	wantCode(t, s.CreateWebSession(ctx, a, 10), chatlift.ECONFLICT)
	got, err := s.WebSession(ctx, chatlift.FaceConsole, a.IDHash, t0.Add(time.Minute))
	must(t, err)
	same(t, "the session", got, a)
	_, err = s.WebSession(ctx, chatlift.FaceAccount, a.IDHash, t0.Add(time.Minute))
	wantCode(t, err, chatlift.ENOTFOUND)

	_, err = s.WebSession(ctx, chatlift.FaceConsole, a.IDHash, a.Expires)
	wantCode(t, err, chatlift.ENOTFOUND)
	_, err = s.WebSession(ctx, chatlift.FaceConsole, a.IDHash, t0) // pruned: it does not come back at an earlier time
	wantCode(t, err, chatlift.ENOTFOUND)

	b := webSession(chatlift.FaceAccount, "b", 0)
	must(t, s.CreateWebSession(ctx, b, 10))
	must(t, s.DeleteWebSession(ctx, chatlift.FaceAccount, b.IDHash))
	must(t, s.DeleteWebSession(ctx, chatlift.FaceAccount, b.IDHash))
	_, err = s.WebSession(ctx, chatlift.FaceAccount, b.IDHash, t0)
	wantCode(t, err, chatlift.ENOTFOUND)
}

// testWebSessionPruning: making a session prunes every expired one, and a
// face over its cap loses the sessions that expire first; other faces keep theirs.
func testWebSessionPruning(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	old := webSession(chatlift.FaceAccount, "old", 0)
	must(t, s.CreateWebSession(ctx, old, 10))
	other := webSession(chatlift.FaceAccount, "other", 2*time.Hour)
	must(t, s.CreateWebSession(ctx, other, 10))
	_, err := s.WebSession(ctx, chatlift.FaceAccount, old.IDHash, t0) // still there for a reader that thinks it is t0
	wantCode(t, err, chatlift.ENOTFOUND)

	var made []*chatlift.WebSession
	for i, id := range []string{"c1", "c2", "c3"} {
		c := webSession(chatlift.FaceConsole, id, 2*time.Hour+time.Duration(i)*time.Minute)
		must(t, s.CreateWebSession(ctx, c, 2))
		made = append(made, c)
	}
	at := t0.Add(2*time.Hour + 5*time.Minute)
	_, err = s.WebSession(ctx, chatlift.FaceConsole, made[0].IDHash, at)
	wantCode(t, err, chatlift.ENOTFOUND)
	for _, c := range append(made[1:], other) {
		_, err := s.WebSession(ctx, c.Face, c.IDHash, at)
		must(t, err)
	}
}

// testWebSessionFlash: a flash set once is taken once, even by takers at once.
func testWebSessionFlash(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	a := webSession(chatlift.FaceConsole, "a", 0)
	must(t, s.CreateWebSession(ctx, a, 10))
	must(t, s.SetWebSessionFlash(ctx, a.Face, a.IDHash, "Pause: accepted"))
	got, err := s.WebSession(ctx, a.Face, a.IDHash, t0)
	must(t, err)
	same(t, "flash on the session", got.Flash, "Pause: accepted")
	var mu sync.Mutex
	var taken []string
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			ok, err := s.TakeWebSessionFlash(ctx, a.Face, a.IDHash, got.Flash)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				taken = append(taken, got.Flash)
			}
		})
	}
	wg.Wait()
	same(t, "flashes taken", taken, []string{"Pause: accepted"})
	ok, err := s.TakeWebSessionFlash(ctx, a.Face, "none", "Pause: accepted")
	must(t, err)
	same(t, "flash of no session taken", ok, false)
	must(t, s.SetWebSessionFlash(ctx, a.Face, a.IDHash, "Resume: accepted"))
	ok, err = s.TakeWebSessionFlash(ctx, a.Face, a.IDHash, "Pause: accepted") // read before it changed
	must(t, err)
	same(t, "a message replaced since it was read taken", ok, false)
}
