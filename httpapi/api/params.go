package api

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strconv"

	"github.com/chatlift/chatlift"
)

// ParseDecimal parses a number written as plain decimal digits: no sign, no
// space, no leading zero (but "0" itself), within int64. Every id and number
// in a path or query goes through it, so that one value has one spelling
// ("+1" and "01" are not 1).
func ParseDecimal(s string) (int64, bool) {
	if s == "" || len(s) > 19 || s[0] == '0' && len(s) > 1 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// ErrBadCursor answers a cursor this API did not give.
func ErrBadCursor(name string) error {
	return chatlift.Errorf(chatlift.EINVALID, "%s is not one this API gave", name)
}

// EncodeCursor makes the opaque cursor of a key: a checksum and the key,
// so that a cursor the API did not give is refused, not read as a key.
func EncodeCursor(key string) string {
	b := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(key)), crc32.ChecksumIEEE([]byte(key)))
	return base64.RawURLEncoding.EncodeToString(append(b, key...))
}

// DecodeCursor is the key of a cursor made by EncodeCursor, or EINVALID.
func DecodeCursor(v, name string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < 4 || binary.BigEndian.Uint32(b) != crc32.ChecksumIEEE(b[4:]) {
		return "", ErrBadCursor(name)
	}
	return string(b[4:]), nil
}

// PathID parses the {id} path value as a positive integer.
func PathID(r *http.Request) (int64, error) {
	id, ok := ParseDecimal(r.PathValue("id"))
	if !ok || id <= 0 {
		return 0, chatlift.Errorf(chatlift.EINVALID, "the id in the path must be a positive integer in plain decimal digits")
	}
	return id, nil
}

// PathResource is the account's resource of the path's {id}, read with
// find (a store's by-id lookup, such as Agent or Group).
func PathResource[T any](r *http.Request, accountID int64, find func(ctx context.Context, accountID, id int64) (T, error)) (T, error) {
	id, err := PathID(r)
	if err != nil {
		var none T
		return none, err
	}
	return find(r.Context(), accountID, id)
}

// NonNil makes an empty list encode as [] rather than null.
func NonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// Patch sets *dst to *src when a request gave the field (src is not nil).
func Patch[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// Filter is the items of list that keep holds for, in order.
func Filter[T any](list []T, keep func(T) bool) []T {
	var out []T
	for _, x := range list {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
