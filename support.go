package chatlift

import "time"

// Support user roles and role types, in the hosted support API's terms.
const (
	UserRoleEndUser = "end-user"
	UserRoleAgent   = "agent"
	UserRoleAdmin   = "admin"

	RoleTypeCustom      = 0
	RoleTypeLightAgent  = 1
	RoleTypeChatOnly    = 2
	RoleTypeContributor = 3
	RoleTypeAdmin       = 4
)

// SupportAccount is a customer's account on the support (ticketing)
// platform. After the upgrade it is the unified account: chat is one of its
// products.
type SupportAccount struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name"`
	Subdomain        string    `json:"subdomain"`
	OwnerEmail       string    `json:"owner_email"`
	Plan             string    `json:"plan"`    // essential, team, professional, enterprise
	Explore          bool      `json:"explore"` // plan includes the analytics product
	TimeZone         string    `json:"time_zone"`
	BillingAccountID int64     `json:"billing_account_id"`
	CreatedAt        time.Time `json:"created_at"`
}

// Validate reports the first problem with a.
func (a *SupportAccount) Validate() error {
	err := firstError(checkRunes("name", a.Name, MaxNameRunes), checkEmailLen("owner_email", a.OwnerEmail),
		checkRunes("plan", a.Plan, MaxShortRunes), checkRunes("time_zone", a.TimeZone, MaxShortRunes))
	switch {
	case err != nil:
		return err
	case a.ID <= 0:
		return Errorf(EINVALID, "account id must be positive")
	case a.Name == "":
		return Errorf(EINVALID, "account name required")
	case !validSubdomain(a.Subdomain):
		return Errorf(EINVALID, "subdomain %q must be 1-63 lowercase letters, digits or dashes", a.Subdomain)
	case !ValidEmail(a.OwnerEmail):
		return Errorf(EINVALID, "owner email %q is not an email address", a.OwnerEmail)
	case a.TimeZone != "" && !validTimeZone(a.TimeZone):
		return Errorf(EINVALID, "unknown time zone %q", a.TimeZone)
	}
	return nil
}

// User is a person on the support platform: an end user, an agent or an
// admin, possibly with chat access.
type User struct {
	ID           int64     `json:"id"`
	AccountID    int64     `json:"-"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`      // end-user, agent, admin
	RoleType     *int      `json:"role_type"` // nil for plain agents/admins
	CustomRoleID *int64    `json:"custom_role_id"`
	ChatOnly     bool      `json:"chat_only"`
	ChatRole     string    `json:"chat_role"` // "", "owner", "administrator", "agent" or a custom chat role
	Owner        bool      `json:"owner"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// Validate reports the first problem with u.
func (u *User) Validate() error {
	err := firstError(checkEmailLen("email", u.Email), checkRunes("name", u.Name, MaxNameRunes),
		checkRunes("chat_role", u.ChatRole, MaxNameRunes))
	switch {
	case err != nil:
		return err
	case u.ID <= 0:
		return Errorf(EINVALID, "user id must be positive")
	case !ValidEmail(u.Email):
		return Errorf(EINVALID, "user email %q is not an email address", u.Email)
	case !oneOf(u.Role, UserRoleEndUser, UserRoleAgent, UserRoleAdmin):
		return Errorf(EINVALID, "role must be end-user, agent or admin, not %q", u.Role)
	case u.Owner && u.Role != UserRoleAdmin:
		return Errorf(EINVALID, "the owner must be an admin")
	}
	return nil
}

// App kinds and products.
const (
	AppPublic  = "public"  // from the marketplace
	AppPrivate = "private" // the customer's own
)

// AppInstallation is an app installed on an account, for support, chat or both.
type AppInstallation struct {
	ID        int64     `json:"id"`
	AccountID int64     `json:"-"`
	AppID     int64     `json:"app_id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`     // public or private
	Products  []string  `json:"products"` // "support", "chat"
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate reports the first problem with i.
func (i *AppInstallation) Validate() error {
	if err := firstError(checkRunes("name", i.Name, MaxNameRunes), checkCount("products", len(i.Products), MaxListItems)); err != nil {
		return err
	} else if i.Name == "" {
		return Errorf(EINVALID, "app name required")
	} else if !oneOf(i.Kind, AppPublic, AppPrivate) {
		return Errorf(EINVALID, "app kind must be public or private")
	} else if len(i.Products) == 0 {
		return Errorf(EINVALID, "app must be installed for support, chat or both")
	}
	for _, p := range i.Products {
		if !oneOf(p, "support", "chat") {
			return Errorf(EINVALID, "unknown product %q", p)
		}
	}
	return nil
}

// Ticket is a support request, in the hosted support API's shape.
type Ticket struct {
	ID        int64 `json:"id"`
	AccountID int64 `json:"-"`
	// URL is the ticket's API address; the API fills it in answers.
	URL         string  `json:"url,omitempty"`
	Type        *string `json:"type"` // problem, incident, question, task or none
	Subject     string  `json:"subject"`
	Description string  `json:"description"`
	Status      string  `json:"status"`   // new, open, pending, hold, solved, closed
	Priority    string  `json:"priority"` // low, normal, high, urgent
	// RequesterID and SubmitterID are nil for tickets made without a user.
	RequesterID    *int64 `json:"requester_id"`
	SubmitterID    *int64 `json:"submitter_id"`
	AssigneeID     *int64 `json:"assignee_id"`
	GroupID        *int64 `json:"group_id"`
	OrganizationID *int64 `json:"organization_id"`
	// RequesterEmail is chatlift's own field, kept for its earlier clients.
	RequesterEmail string    `json:"requester_email"`
	Via            Via       `json:"via"`
	ChatID         string    `json:"chat_id,omitempty"`
	Tags           []string  `json:"tags"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Validate reports the first problem with t.
func (t *Ticket) Validate() error {
	err := firstError(checkRunes("subject", t.Subject, MaxNameRunes), checkBytes("description", t.Description, MaxTextBytes),
		checkEmailLen("requester_email", t.RequesterEmail), checkRunes("via", t.Via.Channel, MaxShortRunes),
		checkBytes("chat_id", t.ChatID, MaxKeyBytes), checkTags("tags", t.Tags))
	switch {
	case err != nil:
		return err
	case t.Subject == "" && t.Description == "":
		return Errorf(EINVALID, "ticket needs a subject or a description")
	case !oneOf(t.Status, "new", "open", "pending", "hold", "solved", "closed"):
		return Errorf(EINVALID, "unknown ticket status %q", t.Status)
	case t.Priority != "" && !oneOf(t.Priority, "low", "normal", "high", "urgent"):
		return Errorf(EINVALID, "unknown ticket priority %q", t.Priority)
	case t.Type != nil && !oneOf(*t.Type, ticketTypes...):
		return Errorf(EINVALID, "unknown ticket type %q: problem, incident, question or task", *t.Type)
	}
	return nil
}

// UnifiedAccount records that an account's chat now lives on the platform:
// the support account owns it and chat is one of its products.
type UnifiedAccount struct {
	AccountID  int64     `json:"account_id"`
	UpgradeID  string    `json:"upgrade_id"`
	OwnerEmail string    `json:"owner_email"`
	ChatPlan   string    `json:"chat_plan"`
	Explore    bool      `json:"explore"`
	UpgradedAt time.Time `json:"upgraded_at"`
	// HistoryImported is set once the account's history is imported and
	// verified; until then the platform's chat API also reads the legacy
	// store's history.
	HistoryImported bool `json:"history_imported"`
}
