package chatlift

import (
	"errors"
	"fmt"
)

// Error codes shown to users. Each maps to one HTTP status in the http layer.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
	ETOOLARGE     = "too_large" // a request body over the server's limit
)

// ErrFrozen is in the chain of the error of a write refused because its
// account was frozen (its chat moving between products, or not active):
// refused whole, before anything was written, so the request that tried it
// can be served again once the freeze ends, whatever the freeze ended in.
// The error also holds an EUNAVAILABLE *Error for the user.
var ErrFrozen = errors.New("the account is frozen")

// Error is an error meant for the user: a code from the list above and a
// message that can be shown as it is. Any other error is internal.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface with the message alone, so that a
// wrapped *Error reads well in logs and on the command line.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the message of the
// first *Error in its chain, or "internal error".
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
