package conversation

import (
	"strconv"
	"sync"
)

// Hub wakes the streams of this process that follow a conversation when a
// message of it is stored. It only hastens them: a stream also reads the
// store on its own every poll interval, so a message stored by another
// process reaches it too. The zero Hub is ready; a nil Hub wakes no one.
type Hub struct {
	mu      sync.Mutex
	waiting map[string]chan struct{}
}

func hubKey(accountID int64, id string) string { return strconv.FormatInt(accountID, 10) + "/" + id }

// Wait returns a channel closed at the next Notify of the conversation, or
// of any of the account's conversations when id is "".
func (h *Hub) Wait(accountID int64, id string) <-chan struct{} {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.waiting == nil {
		h.waiting = map[string]chan struct{}{}
	}
	k := hubKey(accountID, id)
	ch, ok := h.waiting[k]
	if !ok {
		ch = make(chan struct{})
		h.waiting[k] = ch
	}
	return ch
}

// Notify wakes every Wait of the conversation so far, and every Wait of
// the account's conversations (id "").
func (h *Hub) Notify(accountID int64, id string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range []string{hubKey(accountID, id), hubKey(accountID, "")} {
		if ch, ok := h.waiting[k]; ok {
			close(ch)
			delete(h.waiting, k)
		}
	}
}
