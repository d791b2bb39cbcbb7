package chatlift

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewSecret returns a random URL-safe secret of 32 bytes of entropy, for
// tokens and client secrets.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails: see crypto/rand.Read
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret is how secrets are stored and looked up: only their SHA-256.
// Secrets are 256-bit random, so an unsalted fast hash is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
