package ownerweb

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/chatlift/chatlift/ratelimit"
)

// Sign-in limits: per email and per client address, a burst and then one
// attempt per interval; every attempt counts.
const (
	burstPerEmail   = 10
	everyPerEmail   = 30 * time.Second
	burstPerAddress = 20
	everyPerAddress = 5 * time.Second
	guardKeys       = 10000
	maxPassword     = 1024 // bcrypt reads at most 72 bytes
)

// guard throttles password guessing and makes every refusal cost one
// bcrypt comparison at the cost of the real hashes.
type guard struct {
	perEmail, perAddress *ratelimit.Keyed
	compare              func(hash, password []byte) error

	mu     sync.Mutex
	decoys map[int][]byte // by cost: a hash of a random password no one knows
}

func newGuard(compare func(hash, password []byte) error) *guard {
	if compare == nil {
		compare = bcrypt.CompareHashAndPassword
	}
	g := &guard{perEmail: ratelimit.New(everyPerEmail, burstPerEmail, guardKeys),
		perAddress: ratelimit.New(everyPerAddress, burstPerAddress, guardKeys),
		compare:    compare, decoys: map[int][]byte{}}
	// Made up front for the costs passwords are hashed at (the seed's and
	// bcrypt's default), so that no refusal pays for making one.
	g.decoy(bcrypt.MinCost)
	g.decoy(bcrypt.DefaultCost)
	return g
}

// decoy is a hash at cost that the password compared against it cannot
// match, made once per cost.
func (g *guard) decoy(cost int) []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	if h, ok := g.decoys[cost]; ok {
		return h
	}
	h, err := bcrypt.GenerateFromPassword([]byte(fmt.Sprint("decoy ", time.Now().UnixNano())), cost)
	if err != nil {
		panic(fmt.Sprintf("decoy password hash: %v", err))
	}
	g.decoys[cost] = h
	return h
}

// check compares password with hash, or with a decoy of the same cost when
// hash is empty, so that an unknown email costs what a wrong password does.
func (g *guard) check(hash, password string, cost int) bool {
	h := []byte(hash)
	if hash == "" {
		h = g.decoy(cost)
	}
	candidate := []byte(password)
	if len(password) > maxPassword {
		candidate = nil
	}
	return g.compare(h, candidate) == nil && hash != "" && len(password) <= maxPassword
}
