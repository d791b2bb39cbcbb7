package chatlift

// SupportPassword is a support user's password for the account owners'
// pages, as a bcrypt hash. Email is the user's, normalized (NormalizeEmail),
// to find it by at sign-in.
type SupportPassword struct {
	AccountID int64
	UserID    int64
	Email     string
	Hash      string
}

// Validate reports the first problem with p.
func (p *SupportPassword) Validate() error {
	switch {
	case p.AccountID <= 0 || p.UserID <= 0:
		return Errorf(EINVALID, "support password needs an account and a user")
	case !ValidEmail(p.Email):
		return Errorf(EINVALID, "support password email %q is not an email address", p.Email)
	case p.Hash == "":
		return Errorf(EINVALID, "support password hash required")
	}
	return nil
}
