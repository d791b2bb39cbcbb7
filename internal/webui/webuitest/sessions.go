// Package webuitest holds what the web faces' tests share: a hand-written
// session store kept in memory.
package webuitest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/internal/webui"
)

// Sessions is a webui.SessionStore in memory, with the platform store's
// rules: expired sessions are refused and pruned, a face over its cap loses
// the sessions expiring first. Its zero value is ready; embed it in a fake
// store. Building a new face over the same Sessions is a restart.
type Sessions struct {
	mu   sync.Mutex
	byID map[[2]string]chatlift.WebSession
}

var _ webui.SessionStore = (*Sessions)(nil)

// CreateWebSession implements webui.SessionStore.
func (f *Sessions) CreateWebSession(_ context.Context, s *chatlift.WebSession, limit int) error {
	if err := s.Validate(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byID == nil {
		f.byID = map[[2]string]chatlift.WebSession{}
	}
	var ofFace []chatlift.WebSession
	for k, kept := range f.byID {
		if !s.Created.Before(kept.Expires) {
			delete(f.byID, k)
		} else if kept.Face == s.Face {
			ofFace = append(ofFace, kept)
		}
	}
	if _, taken := f.byID[[2]string{s.Face, s.IDHash}]; taken {
		return chatlift.Errorf(chatlift.ECONFLICT, "session exists")
	}
	slices.SortFunc(ofFace, func(a, b chatlift.WebSession) int { return a.Expires.Compare(b.Expires) })
	for _, old := range ofFace[:max(0, len(ofFace)+1-limit)] {
		delete(f.byID, [2]string{old.Face, old.IDHash})
	}
	f.byID[[2]string{s.Face, s.IDHash}] = *s
	return nil
}

// WebSession implements webui.SessionStore.
func (f *Sessions) WebSession(_ context.Context, face, idHash string, now time.Time) (*chatlift.WebSession, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.byID[[2]string{face, idHash}]
	if ok && !now.Before(s.Expires) {
		delete(f.byID, [2]string{face, idHash})
		ok = false
	}
	if !ok {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no such session")
	}
	return &s, nil
}

// SetWebSessionFlash implements webui.SessionStore.
func (f *Sessions) SetWebSessionFlash(_ context.Context, face, idHash, flash string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.byID[[2]string{face, idHash}]; ok {
		s.Flash = flash
		f.byID[[2]string{face, idHash}] = s
	}
	return nil
}

// TakeWebSessionFlash implements webui.SessionStore.
func (f *Sessions) TakeWebSessionFlash(_ context.Context, face, idHash, flash string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.byID[[2]string{face, idHash}]
	if !ok || flash == "" || s.Flash != flash {
		return false, nil
	}
	s.Flash = ""
	f.byID[[2]string{face, idHash}] = s
	return true, nil
}

// DeleteWebSession implements webui.SessionStore.
func (f *Sessions) DeleteWebSession(_ context.Context, face, idHash string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.byID, [2]string{face, idHash})
	return nil
}

// Len is how many sessions the face holds, expired ones included.
func (f *Sessions) Len(face string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for k := range f.byID {
		if k[0] == face {
			n++
		}
	}
	return n
}

// Hashes lists the id hashes the face's sessions are kept under.
func (f *Sessions) Hashes(face string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var list []string
	for k := range f.byID {
		if k[0] == face {
			list = append(list, k[1])
		}
	}
	return list
}
