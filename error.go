package shopguard

import (
	"errors"
	"fmt"
	"time"
)

// Error codes shared by every part of shopguard. The http package maps each to a status.
const (
	ECONFLICT     = "conflict"     // the thing exists already, or the change clashes with stored state
	EINTERNAL     = "internal"     // a fault of the program or its environment
	EINVALID      = "invalid"      // the input is wrong; Error.Field names the part
	ENOTFOUND     = "not_found"    // no such thing
	EUNAUTHORIZED = "unauthorized" // who is asking is unknown
	EFORBIDDEN    = "forbidden"    // who is asking may not do this
	ETOOLARGE     = "too_large"    // the input is larger than allowed
	ERATELIMIT    = "rate_limited" // too many requests; try again later
	EUNAVAILABLE  = "unavailable"  // not ready to serve yet (or shutting down)
)

// Error is an error a user may see: a code from the list above, a message saying what was
// wrong, and the input field it concerns, if any.
type Error struct {
	Code    string
	Message string
	Field   string
	// RetryAfter, for ERATELIMIT and EUNAVAILABLE, says when to try again (0: not known).
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("shopguard: %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("shopguard: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID *Error about field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a generic message
// for any other error, so that internal details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorField returns the field of the first *Error in err's chain, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
