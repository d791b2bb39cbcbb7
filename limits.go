package chatlift

import (
	"time"
	"unicode/utf8"
)

// Limits on the strings and lists of every entity, enforced by the Validate
// methods so that they hold for every entry point (the APIs, the seed
// loader, the stores). Short strings people read are counted in characters
// (runes); texts, emails, URLs and keys in bytes. docs/limits.md lists them
// field by field.
const (
	MaxNameRunes        = 255      // names, titles, subjects, companies, types
	MaxShortRunes       = 64       // tags, phones, codes, permission names
	MaxDescriptionRunes = 1024     // descriptions, reasons, greetings, quick replies
	MaxEmailBytes       = 254      // an email address (RFC 5321's path limit)
	MaxURLBytes         = 2048     // URLs, user agents
	MaxKeyBytes         = 64       // string ids: chats, visitors, client identifiers
	MaxTextBytes        = 64 << 10 // message text, ticket body, notes, trigger definitions
	MaxTags             = 50       // tags on one chat, visitor, ticket or shortcut
	MaxIDs              = 1000     // ids in one list: departments, skills, members, agents
	MaxListItems        = 100      // other lists: redirect URIs, IP ranges, scopes, permissions
	MaxHistory          = 10000    // messages in one chat's history
)

// The window every date the APIs accept must fall in, as unix seconds:
// [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z). Time filters of searches and
// exports (unix seconds) may also be 0, "from the beginning".
const (
	MinTimeUnix = 946684800
	MaxTimeUnix = 4102444800
)

// CheckTime returns an EINVALID error naming field unless t is in the window
// [MinTimeUnix, MaxTimeUnix).
func CheckTime(field string, t time.Time) error {
	if t.Before(time.Unix(MinTimeUnix, 0)) || !t.Before(time.Unix(MaxTimeUnix, 0)) {
		return Errorf(EINVALID, "%s must be from 2000-01-01T00:00:00Z to before 2100-01-01T00:00:00Z", field)
	}
	return nil
}

// checkOptionalTime is CheckTime for a date that may be left out (zero).
func checkOptionalTime(field string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	return CheckTime(field, t)
}

// ValidKey reports whether s can be a string id (of a chat, a visitor, an
// engagement): 1 to MaxKeyBytes ASCII letters, digits, '.', '_' or '-'.
func ValidKey(s string) bool {
	if s == "" || len(s) > MaxKeyBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkKey returns an EINVALID error naming field unless ValidKey(s).
func checkKey(field, s string) error {
	if !ValidKey(s) {
		return Errorf(EINVALID, "%s must be 1 to %d letters, digits, '.', '_' or '-'", field, MaxKeyBytes)
	}
	return nil
}

// checkRunes returns an EINVALID error naming field if s has more than max
// characters.
func checkRunes(field, s string, max int) error {
	if len(s) > max && utf8.RuneCountInString(s) > max {
		return Errorf(EINVALID, "%s is longer than %d characters", field, max)
	}
	return nil
}

// checkBytes returns an EINVALID error naming field if s has more than max
// bytes.
func checkBytes(field, s string, max int) error {
	if len(s) > max {
		return Errorf(EINVALID, "%s is longer than %d bytes", field, max)
	}
	return nil
}

// checkCount returns an EINVALID error naming field if a list has more than
// max items.
func checkCount(field string, n, max int) error {
	if n > max {
		return Errorf(EINVALID, "%s has more than %d items", field, max)
	}
	return nil
}

// checkEach checks a list's length and then each of its strings.
func checkEach(field string, list []string, maxItems int, check func(field, s string, max int) error, max int) error {
	if err := checkCount(field, len(list), maxItems); err != nil {
		return err
	}
	for _, s := range list {
		if err := check(field, s, max); err != nil {
			return err
		}
	}
	return nil
}

// checkTags checks a list of tags: at most MaxTags of MaxShortRunes each.
func checkTags(field string, tags []string) error {
	return checkEach(field, tags, MaxTags, checkRunes, MaxShortRunes)
}

// checkEmailLen bounds an email field before it is parsed (so that an
// oversized one is not echoed back in an error message).
func checkEmailLen(field, s string) error { return checkBytes(field, s, MaxEmailBytes) }

// firstError returns the first non-nil error of errs.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
