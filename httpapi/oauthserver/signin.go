package oauthserver

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/ratelimit"
)

// Password sign-in limits (docs/authorization.md): per account and email,
// and per client address, a burst and then one attempt per interval.
const (
	signInBurstPerEmail   = 10
	signInEveryPerEmail   = 30 * time.Second
	signInBurstPerAddress = 50
	signInEveryPerAddress = 2 * time.Second
	signInKeys            = 10000
	maxPassword           = 1024 // bcrypt reads at most 72 bytes; longer ones are compared as ""
	dummyPassword         = "no agent has this password"
	dummyDigestLen        = 31 // a bcrypt hash ends in its digest, 23 bytes in bcrypt's base64
	defaultSignInHashCost = bcrypt.DefaultCost
)

// signInGuard throttles password sign-ins and makes every refusal cost one
// bcrypt comparison at the cost of the account's own hashes.
type signInGuard struct {
	perEmail, perAddress *ratelimit.Keyed
	compare              func(hash, password []byte) error

	// dummy is a bcrypt hash ("$2a$NN$" salt digest) whose digest is all
	// zero bits, which no password's is (but for 1 in 2^184), made up front
	// so that no sign-in pays for hashing.
	dummy []byte
}

func newSignInGuard(compare func(hash, password []byte) error) *signInGuard {
	if compare == nil {
		compare = bcrypt.CompareHashAndPassword
	}
	// Hashed for a salt; it fails only for a password over 72 bytes.
	dummy, err := bcrypt.GenerateFromPassword([]byte(dummyPassword), bcrypt.MinCost)
	if err != nil {
		panic(fmt.Sprintf("dummy password hash: %v", err))
	}
	copy(dummy[len(dummy)-dummyDigestLen:], strings.Repeat(".", dummyDigestLen))
	return &signInGuard{perEmail: ratelimit.New(signInEveryPerEmail, signInBurstPerEmail, signInKeys),
		perAddress: ratelimit.New(signInEveryPerAddress, signInBurstPerAddress, signInKeys),
		compare:    compare, dummy: dummy}
}

// signIn returns the enabled agent of the account with the email (any case)
// and password; EUNAUTHORIZED if there is none, or *api.Throttled past a limit.
func (s *Server) signIn(r *http.Request, store Store, accountID int64, email, password string) (*chatlift.Agent, error) {
	g, now := s.guard, s.now()
	if ok, wait := g.perAddress.Take(ratelimit.ClientKey(r.RemoteAddr), now); !ok {
		return nil, &api.Throttled{Wait: wait}
	}
	if ok, wait := g.perEmail.Take(strconv.FormatInt(accountID, 10)+"/"+chatlift.NormalizeEmail(email), now); !ok {
		return nil, &api.Throttled{Wait: wait}
	}
	agent, err := store.AgentByEmail(r.Context(), accountID, email)
	if err != nil && chatlift.ErrorCode(err) != chatlift.ENOTFOUND {
		return nil, err
	}
	cost, err := hashCost(r.Context(), store, accountID)
	if err != nil {
		return nil, err
	}
	hash, candidate := g.dummyHash(cost), []byte(password)
	if agent != nil && agent.PasswordHash != "" {
		hash = []byte(agent.PasswordHash)
	}
	if len(password) > maxPassword {
		candidate = nil
	}
	match := g.compare(hash, candidate) == nil
	if agent == nil || agent.PasswordHash == "" || !match || !agent.Enabled || len(password) > maxPassword {
		return nil, chatlift.Errorf(chatlift.EUNAUTHORIZED, "wrong email or password")
	}
	return agent, nil
}

// hashCost is the cost of the account's password hashes: its owner's, or
// bcrypt's default. It is read whether or not the email is an agent's, so
// that a sign-in does the same lookups either way.
func hashCost(ctx context.Context, store Store, accountID int64) (int, error) {
	account, err := store.ChatAccount(ctx, accountID)
	if err != nil {
		return 0, err
	}
	owner, err := store.AgentByEmail(ctx, accountID, account.OwnerEmail)
	if chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return defaultSignInHashCost, nil
	} else if err != nil {
		return 0, err
	}
	if c, err := bcrypt.Cost([]byte(owner.PasswordHash)); err == nil {
		return c, nil
	}
	return defaultSignInHashCost, nil
}

// dummyHash is a hash of the cost that no password matches, compared
// against when the email has no agent with a password, so that refusing it
// costs what refusing a wrong password does: comparing runs bcrypt at the
// cost written in the hash, with its salt, whatever its digest.
func (g *signInGuard) dummyHash(cost int) []byte {
	h := append([]byte{}, g.dummy...)
	copy(h[4:6], fmt.Sprintf("%02d", cost))
	return h
}
