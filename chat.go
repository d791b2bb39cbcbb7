package chatlift

import (
	"encoding/json"
	"time"
)

// Chat account states.
const (
	ChatAccountActive      = "active"      // serving chats on the legacy product
	ChatAccountMaintenance = "maintenance" // frozen for cutover: chat requests are held until it ends
	ChatAccountUpgraded    = "upgraded"    // chat now served by the unified platform
)

// ChatAccount is a customer's account on the legacy chat product. It shares
// its ID with the customer's support account: one customer, one account ID.
type ChatAccount struct {
	ID                int64           `json:"id"`
	Name              string          `json:"name"`
	OwnerEmail        string          `json:"owner_email"`
	Plan              string          `json:"plan"` // lite, team, professional, enterprise
	TimeZone          string          `json:"time_zone"`
	State             string          `json:"state"`
	BillingAccountID  int64           `json:"billing_account_id"`
	IPRestrictions    []string        `json:"ip_restrictions"`    // allowed CIDRs; empty = none
	SSO               string          `json:"sso"`                // "", "saml" or "jwt"
	AccountAssumption bool            `json:"account_assumption"` // vendor staff may sign in as the owner
	WidgetVersion     string          `json:"widget_version"`     // "legacy" or "web_widget"
	Routing           RoutingSettings `json:"routing_settings"`
	Widget            WidgetSettings  `json:"widget_settings"`
	CreatedAt         time.Time       `json:"create_date"`
}

// Validate reports the first problem with a, as an EINVALID *Error.
func (a *ChatAccount) Validate() error {
	if err := a.checkLimits(); err != nil {
		return err
	}
	switch {
	case a.ID <= 0:
		return Errorf(EINVALID, "account id must be positive")
	case a.Name == "":
		return Errorf(EINVALID, "account name required")
	case !ValidEmail(a.OwnerEmail):
		return Errorf(EINVALID, "owner email %q is not an email address", a.OwnerEmail)
	case !oneOf(a.State, ChatAccountActive, ChatAccountMaintenance, ChatAccountUpgraded):
		return Errorf(EINVALID, "unknown chat account state %q", a.State)
	case a.TimeZone != "" && !validTimeZone(a.TimeZone):
		return Errorf(EINVALID, "unknown time zone %q", a.TimeZone)
	}
	return nil
}

func (a *ChatAccount) checkLimits() error {
	w := a.Widget
	return firstError(checkRunes("name", a.Name, MaxNameRunes), checkEmailLen("owner_email", a.OwnerEmail),
		checkRunes("plan", a.Plan, MaxShortRunes), checkRunes("time_zone", a.TimeZone, MaxShortRunes),
		checkEach("ip_restrictions", a.IPRestrictions, MaxListItems, checkBytes, MaxShortRunes),
		checkRunes("sso", a.SSO, MaxShortRunes), checkRunes("widget_version", a.WidgetVersion, MaxShortRunes),
		checkRunes("routing_mode", a.Routing.RoutingMode, MaxShortRunes),
		checkRunes("widget_settings.color", w.Color, MaxShortRunes), checkRunes("widget_settings.position", w.Position, MaxShortRunes),
		checkRunes("widget_settings.title", w.Title, MaxNameRunes), checkRunes("widget_settings.greeting", w.Greeting, MaxDescriptionRunes),
		checkRunes("widget_settings.language", w.Language, MaxShortRunes))
}

// RoutingSettings is an account's chat routing configuration.
type RoutingSettings struct {
	RoutingMode         string `json:"routing_mode"` // "assigned" or "broadcast"
	ChatLimitEnabled    bool   `json:"chat_limit_enabled"`
	ChatLimit           int    `json:"chat_limit"`
	SkillRoutingEnabled bool   `json:"skill_routing_enabled"`
	ReassignmentEnabled bool   `json:"reassignment_enabled"`
	ReassignmentTimeout int    `json:"reassignment_timeout"` // seconds
	AutoIdleEnabled     bool   `json:"auto_idle_enabled"`
	AutoIdleTimeout     int    `json:"auto_idle_timeout"` // seconds
}

// WidgetSettings is how the chat widget looks on the customer's site.
type WidgetSettings struct {
	Color    string `json:"color"`
	Position string `json:"position"` // "br", "bl"
	Title    string `json:"title"`
	Greeting string `json:"greeting"`
	Language string `json:"language"`
}

// Built-in chat agent roles. Any other role name is a custom role.
const (
	ChatRoleOwner = "owner"
	ChatRoleAdmin = "administrator"
	ChatRoleAgent = "agent"
)

// Agent is a person who answers chats (or administers the chat account).
type Agent struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"-"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	FirstName   string    `json:"first_name"`
	LastName    string    `json:"last_name"`
	Role        string    `json:"role"`    // owner, administrator, agent, or a custom role's name
	RoleID      int64     `json:"role_id"` // the Role object this agent has
	Enabled     bool      `json:"enabled"`
	Departments []int64   `json:"departments"`
	Skills      []int64   `json:"skills"`
	CreatedAt   time.Time `json:"create_date"`
	// PasswordHash is the bcrypt hash of the password the agent signs in
	// with on the OAuth consent page; "" means the agent has none and cannot
	// sign in there. It is never shown.
	PasswordHash string `json:"-"`
}

// Validate reports the first problem with g.
func (g *Agent) Validate() error {
	err := firstError(checkEmailLen("email", g.Email), checkRunes("display_name", g.DisplayName, MaxNameRunes),
		checkRunes("first_name", g.FirstName, MaxNameRunes), checkRunes("last_name", g.LastName, MaxNameRunes),
		checkRunes("role", g.Role, MaxNameRunes), checkCount("departments", len(g.Departments), MaxIDs),
		checkCount("skills", len(g.Skills), MaxIDs))
	switch {
	case err != nil:
		return err
	case g.ID <= 0:
		return Errorf(EINVALID, "agent id must be positive")
	case !ValidEmail(g.Email):
		return Errorf(EINVALID, "agent email %q is not an email address", g.Email)
	case g.Role == "":
		return Errorf(EINVALID, "agent %d has no role", g.ID)
	}
	return nil
}

// IsAdmin reports whether the agent administers the chat account.
func (g *Agent) IsAdmin() bool { return g.Role == ChatRoleOwner || g.Role == ChatRoleAdmin }

// ObjectKind names a kind of chat configuration object.
type ObjectKind string

// The configuration objects of a chat account. Each is stored as a document
// under (account, kind, id) and decoded into its typed struct.
const (
	KindRole           ObjectKind = "role"
	KindDepartment     ObjectKind = "department"
	KindSkill          ObjectKind = "skill"
	KindTrigger        ObjectKind = "trigger"
	KindShortcut       ObjectKind = "shortcut"
	KindBan            ObjectKind = "ban"
	KindGoal           ObjectKind = "goal"
	KindIntegration    ObjectKind = "integration"
	KindMessageChannel ObjectKind = "message_channel"
)

// ObjectKinds lists every configuration kind, in the order they are copied.
var ObjectKinds = []ObjectKind{KindRole, KindDepartment, KindSkill, KindTrigger,
	KindShortcut, KindBan, KindGoal, KindIntegration, KindMessageChannel}

// Object is one configuration object of a chat account as it is stored: its
// key and its JSON body (one of the typed structs below).
type Object struct {
	AccountID int64           `json:"-"`
	Kind      ObjectKind      `json:"kind"`
	ID        int64           `json:"id"`
	Body      json.RawMessage `json:"body"`
}

// Role is a chat role: built-in or custom, with its permissions.
type Role struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Custom      bool              `json:"custom"`
	Permissions map[string]string `json:"permissions"` // permission -> "all", "own", "none"
}

// Department is a group of agents chats are routed to.
type Department struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Enabled     bool    `json:"enabled"`
	Members     []int64 `json:"members"` // agent ids
	Settings    struct {
		ChatEnabled    bool  `json:"chat_enabled"`
		SupportGroupID int64 `json:"support_group_id"`
	} `json:"settings"`
}

// Skill is an attribute used by skill-based routing.
type Skill struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Enabled     bool    `json:"enabled"`
	Members     []int64 `json:"members"`
}

// Trigger is an automated action run on a chat event.
type Trigger struct {
	ID          int64           `json:"id"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Enabled     bool            `json:"enabled"`
	Definition  json.RawMessage `json:"definition"` // {event, condition, actions}
}

// Shortcut is a canned response.
type Shortcut struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Message     string   `json:"message"`
	Options     string   `json:"options"` // "/"-separated quick replies
	Tags        []string `json:"tags"`
	Scope       string   `json:"scope"` // "all", "department", "agent"
	Departments []int64  `json:"departments"`
	Agents      []int64  `json:"agents"`
}

// Ban bars a visitor or an IP address from chatting.
type Ban struct {
	ID          int64     `json:"id"`
	Type        string    `json:"type"` // "ip_address" or "visitor"
	IPAddress   string    `json:"ip_address,omitempty"`
	VisitorID   string    `json:"visitor_id,omitempty"`
	VisitorName string    `json:"visitor_name,omitempty"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"created_at"`
}

// Goal is a conversion a chat is credited with when the visitor reaches a page.
type Goal struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	Description       string `json:"description"`
	Enabled           bool   `json:"enabled"`
	AttributionModel  string `json:"attribution_model"`  // "first_touch", "last_touch"
	AttributionPeriod int    `json:"attribution_period"` // days
	URL               string `json:"url"`
}

// Integration is a third-party integration of the legacy chat product. They
// do not survive the upgrade: they are disabled and listed for replacement.
type Integration struct {
	ID         int64      `json:"id"`
	Type       string     `json:"type"` // "salesforce", "slack", "mailchimp", "hubspot", ...
	Name       string     `json:"name"`
	Enabled    bool       `json:"enabled"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// MessageChannel is a social messaging channel ("Message"). Its data is not
// migrated by the upgrade; the channel must be reconfigured afterwards.
type MessageChannel struct {
	ID                      int64  `json:"id"`
	Type                    string `json:"type"` // "facebook", "twitter"
	Name                    string `json:"name"`
	Enabled                 bool   `json:"enabled"`
	Messages                int    `json:"message_count"`
	NeedsReconfiguration    bool   `json:"needs_reconfiguration"`
	ExternalPageOrAccountID string `json:"external_id"`
}
