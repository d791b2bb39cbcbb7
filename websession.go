package chatlift

import "time"

// The web faces whose sessions the platform keeps.
const (
	FaceConsole = "console" // the operator console
	FaceAccount = "account" // the account owners' pages
)

// WebSession is one signed-in user of a web face as the platform keeps
// it. The session id lives only in the user's cookie: the platform keeps
// its hash, so a copy of the table signs no one in.
type WebSession struct {
	Face   string // FaceConsole or FaceAccount
	IDHash string // hex SHA-256 of the session id
	// CSRF is the token every form of the session carries.
	CSRF string
	// User is what the face keeps about the user (JSON).
	User []byte
	// Flash is a one-time message for the session's next page.
	Flash   string
	Created time.Time
	Expires time.Time
}

// Validate reports the first problem with s.
func (s *WebSession) Validate() error {
	switch {
	case s.Face != FaceConsole && s.Face != FaceAccount:
		return Errorf(EINVALID, "a web session's face is %s or %s", FaceConsole, FaceAccount)
	case len(s.IDHash) != 64 || s.CSRF == "":
		return Errorf(EINVALID, "a web session needs the hash of its id and a CSRF token")
	case !s.Expires.After(s.Created):
		return Errorf(EINVALID, "a web session must expire after it is created")
	}
	return nil
}
