package httpapi

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"strconv"

	"github.com/chatlift/chatlift"
)

// parseDecimal parses a number written as plain decimal digits: no sign, no
// space, no leading zero (but "0" itself), within int64. Every id and number
// in a path or query goes through it, so that one value has one spelling
// ("+1" and "01" are not 1).
func parseDecimal(s string) (int64, bool) {
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

// errBadCursor answers a cursor this API did not give.
func errBadCursor(name string) error {
	return chatlift.Errorf(chatlift.EINVALID, "%s is not one this API gave", name)
}

// encodeCursor makes the opaque cursor of a key: a checksum and the key,
// so that a cursor the API did not give is refused, not read as a key.
func encodeCursor(key string) string {
	b := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(key)), crc32.ChecksumIEEE([]byte(key)))
	return base64.RawURLEncoding.EncodeToString(append(b, key...))
}

// decodeCursor is the key of a cursor made by encodeCursor, or EINVALID.
func decodeCursor(v, name string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < 4 || binary.BigEndian.Uint32(b) != crc32.ChecksumIEEE(b[4:]) {
		return "", errBadCursor(name)
	}
	return string(b[4:]), nil
}
