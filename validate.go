package chatlift

import (
	"net/mail"
	"strings"
	"time"
)

// ValidEmail reports whether s is a bare email address ("a@b.c", no name)
// of at most MaxEmailBytes.
func ValidEmail(s string) bool {
	if len(s) > MaxEmailBytes {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// NormalizeEmail is the key agents are merged by: emails match without regard
// to case or surrounding space.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

func validTimeZone(name string) bool {
	_, err := time.LoadLocation(name)
	return err == nil
}

func validSubdomain(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
