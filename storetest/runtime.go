package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

func testSnapshots(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	must(t, s.PutSnapshot(ctx, "u1/1/revoke_tokens", []byte(`{"tokens":[1]}`)))
	must(t, s.PutSnapshot(ctx, "u1/1/revoke_tokens", []byte(`{"tokens":[]}`))) // a retry: the first wins
	got, err := s.Snapshot(ctx, "u1/1/revoke_tokens")
	must(t, err)
	if string(got) != `{"tokens":[1]}` {
		t.Fatalf("snapshot = %s", got)
	}
	_, err = s.Snapshot(ctx, "nope")
	wantCode(t, err, chatlift.ENOTFOUND)
	wantCode(t, s.PutSnapshot(ctx, "", nil), chatlift.EINVALID)

	t.Run("DeleteUsers", func(t *testing.T) {
		must(t, s.PutUsers(ctx, []*chatlift.User{
			{AccountID: 1, ID: 1, Email: "a@acme.test", Role: chatlift.UserRoleAgent},
			{AccountID: 1, ID: 2, Email: "b@acme.test", Role: chatlift.UserRoleAgent},
			{AccountID: 2, ID: 2, Email: "b@acme.test", Role: chatlift.UserRoleAgent},
		}))
		must(t, s.DeleteUsers(ctx, 1, []int64{2}))
		one, err := s.Users(ctx, 1)
		must(t, err)
		two, err := s.Users(ctx, 2)
		must(t, err)
		if len(one) != 1 || len(two) != 1 {
			t.Fatalf("after delete: %d and %d users", len(one), len(two))
		}
	})
}

func testSlots(t *testing.T, s chatlift.PlatformStore) {
	ctx := context.Background()
	slots := []time.Time{t0, t0.Add(time.Hour)}
	for _, tc := range []struct {
		upgrade string
		at      int
		want    bool
	}{{"a", 0, true}, {"b", 0, true}, {"a", 0, true}, {"c", 0, false}, {"c", 1, true}, {"a", 1, true}, {"c", 0, true}} {
		ok, err := s.BookSlot(ctx, tc.upgrade, slots[tc.at], 2)
		must(t, err)
		if ok != tc.want {
			t.Fatalf("BookSlot(%s, slot %d) = %v, want %v", tc.upgrade, tc.at, ok, tc.want)
		}
	}
	for at, want := range map[int]int{0: 2, 1: 1} {
		n, err := s.SlotBookings(ctx, slots[at])
		must(t, err)
		if n != want {
			t.Fatalf("slot %d holds %d, want %d", at, n, want)
		}
	}
	must(t, s.ReleaseSlot(ctx, "b"))
	must(t, s.ReleaseSlot(ctx, "b"))
	n, err := s.SlotBookings(ctx, slots[0])
	must(t, err)
	if n != 1 {
		t.Fatalf("after release slot holds %d", n)
	}
}
