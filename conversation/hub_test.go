package conversation_test

import (
	"testing"

	"github.com/chatlift/chatlift/conversation"
)

func TestHub(t *testing.T) {
	t.Parallel()
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	t.Run("Notify", func(t *testing.T) {
		var h conversation.Hub
		conv, releaseConv := h.Wait(1, "cv_a")
		account, releaseAccount := h.Wait(1, "")
		other, releaseOther := h.Wait(2, "cv_a")
		h.Notify(1, "cv_a")
		if !closed(conv) || !closed(account) || closed(other) {
			t.Fatalf("woken: conversation %v, account %v, another account %v", closed(conv), closed(account), closed(other))
		}
		releaseConv()
		releaseAccount()
		releaseOther()
	})
	t.Run("Released", func(t *testing.T) {
		var h conversation.Hub
		_, r1 := h.Wait(1, "cv_a")
		_, r2 := h.Wait(1, "cv_a")
		r1()
		if h.Waiting() != 1 {
			t.Fatalf("%d keys with a waiter left, want 1", h.Waiting())
		}
		r2()
		if h.Waiting() != 0 {
			t.Fatalf("%d keys remembered after every waiter left", h.Waiting())
		}
	})
}
