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
	waiting map[string]*waiters
}

// waiters are the streams waiting on one key and the channel that wakes
// them.
type waiters struct {
	ch chan struct{}
	n  int
}

func hubKey(accountID int64, id string) string { return strconv.FormatInt(accountID, 10) + "/" + id }

// Wait returns a channel closed at the next Notify of the conversation, or
// of any of the account's conversations when id is "", and the release
// the waiter calls once it stops waiting, so that the hub forgets keys no
// one waits on.
func (h *Hub) Wait(accountID int64, id string) (<-chan struct{}, func()) {
	if h == nil {
		return nil, func() {}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.waiting == nil {
		h.waiting = map[string]*waiters{}
	}
	k := hubKey(accountID, id)
	w, ok := h.waiting[k]
	if !ok {
		w = &waiters{ch: make(chan struct{})}
		h.waiting[k] = w
	}
	w.n++
	return w.ch, func() { h.release(k, w) }
}

func (h *Hub) release(k string, w *waiters) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if w.n--; w.n == 0 && h.waiting[k] == w {
		delete(h.waiting, k)
	}
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
		if w, ok := h.waiting[k]; ok {
			close(w.ch)
			delete(h.waiting, k)
		}
	}
}

// Waiting counts the keys some stream waits on.
func (h *Hub) Waiting() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.waiting)
}
