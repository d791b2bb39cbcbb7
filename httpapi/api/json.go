package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/chatlift/chatlift"
)

// Decode reads one JSON object from the body into v, rejecting unknown
// fields and trailing data with EINVALID and a body over the server's limit
// (httpapi.Limits.MaxBodyBytes) with ETOOLARGE.
func Decode(r *http.Request, v any) error {
	b, err := ReadBody(r)
	if err != nil {
		return err
	}
	return StrictUnmarshal(b, v)
}

// ReadBody reads the request body, of at most the server's limit.
func ReadBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if tooLarge := bodyTooLarge(err); tooLarge != nil {
		return nil, tooLarge
	} else if err != nil {
		return nil, chatlift.Errorf(chatlift.EINVALID, "could not read the request body")
	}
	return b, nil
}

// bodyTooLarge is ETOOLARGE when err says the body went over the limit.
func bodyTooLarge(err error) error {
	var max *http.MaxBytesError
	if errors.As(err, &max) {
		return chatlift.Errorf(chatlift.ETOOLARGE, "request body is larger than %d bytes", max.Limit)
	}
	return nil
}

// StrictUnmarshal is Decode for JSON already in memory.
func StrictUnmarshal(data []byte, v any) error {
	return DecodeJSON(bytes.NewReader(data), v)
}

// DecodeJSON decodes one JSON value from r into v, refusing unknown fields.
func DecodeJSON(r io.Reader, v any) error { return DecodeJSONFields(r, v, true) }

// DecodeJSONFields decodes one JSON value from r into v; strict refuses
// fields v does not have, else they are ignored. Wrong types are EINVALID
// either way.
func DecodeJSONFields(r io.Reader, v any, strict bool) error {
	dec := json.NewDecoder(r)
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return chatlift.Errorf(chatlift.EINVALID, "request body must be a JSON object")
		case errors.As(err, &syn):
			return chatlift.Errorf(chatlift.EINVALID, "malformed JSON at byte %d", syn.Offset)
		case errors.As(err, &typ):
			return chatlift.Errorf(chatlift.EINVALID, "field %q must be %s", typ.Field, typ.Type)
		}
		return chatlift.Errorf(chatlift.EINVALID, "invalid request body: %s", err.Error())
	}
	if dec.More() {
		return chatlift.Errorf(chatlift.EINVALID, "request body must hold one JSON object")
	}
	return nil
}
