package chatapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/httpapi/api"
)

// The chat API shows each configuration object in the reference's shape:
// a doc type embeds the stored struct and declares the documented fields
// whose name or type differ (they take the place of the stored ones of the
// same JSON name). Requests decode into the same doc, so the reference's
// fields are accepted and chatlift's earlier ones still are; read-only
// fields a client sends back are ignored.

// objectDoc is the doc of the stored struct T.
type objectDoc[T any] interface {
	// show points the doc at v and derives the documented fields; x is nil
	// when a request is decoded onto v.
	show(v *T, x *viewData)
	// apply copies the documented fields of a decoded request onto v.
	apply(v *T) error
}

// viewData is what some docs derive their fields from, read once a request.
type viewData struct {
	agents []*chatlift.Agent
}

// flag is a boolean the reference writes as 1 or 0. Requests may send 1, 0,
// true or false.
type flag bool

// MarshalJSON writes 1 or 0.
func (f flag) MarshalJSON() ([]byte, error) {
	if f {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}

// UnmarshalJSON reads 1, 0, true or false.
func (f *flag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "1", "true":
		*f = true
	case "0", "false":
		*f = false
	default:
		return chatlift.Errorf(chatlift.EINVALID, "enabled must be 1, 0, true or false")
	}
	return nil
}

// RoleDoc is a role with enabled (always true: chatlift does not disable
// roles) and members_count (the agents with the role's id as role_id).
type RoleDoc struct {
	*chatlift.Role
	Enabled      bool `json:"enabled"`
	MembersCount int  `json:"members_count"`
}

func (d *RoleDoc) show(v *chatlift.Role, x *viewData) {
	d.Role, d.Enabled = v, true
	if v.Permissions == nil {
		v.Permissions = map[string]string{}
	}
	if x != nil {
		for _, a := range x.agents {
			if a.RoleID == v.ID {
				d.MembersCount++
			}
		}
	}
}

func (d *RoleDoc) apply(*chatlift.Role) error {
	if !d.Enabled {
		return chatlift.Errorf(chatlift.EINVALID, "roles cannot be disabled")
	}
	return nil
}

// DepartmentDoc is a department with enabled as 1 or 0.
type DepartmentDoc struct {
	*chatlift.Department
	Enabled flag `json:"enabled"`
}

func (d *DepartmentDoc) show(v *chatlift.Department, _ *viewData) {
	d.Department, d.Enabled, v.Members = v, flag(v.Enabled), api.NonNil(v.Members)
}

func (d *DepartmentDoc) apply(v *chatlift.Department) error {
	v.Enabled = bool(d.Enabled)
	return nil
}

// SkillDoc is a skill with enabled as 1 or 0.
type SkillDoc struct {
	*chatlift.Skill
	Enabled flag `json:"enabled"`
}

func (d *SkillDoc) show(v *chatlift.Skill, _ *viewData) {
	d.Skill, d.Enabled, v.Members = v, flag(v.Enabled), api.NonNil(v.Members)
}

func (d *SkillDoc) apply(v *chatlift.Skill) error {
	v.Enabled = bool(d.Enabled)
	return nil
}

// TriggerDoc is a trigger with enabled as 1 or 0.
type TriggerDoc struct {
	*chatlift.Trigger
	Enabled flag `json:"enabled"`
}

func (d *TriggerDoc) show(v *chatlift.Trigger, _ *viewData) {
	d.Trigger, d.Enabled = v, flag(v.Enabled)
}

func (d *TriggerDoc) apply(v *chatlift.Trigger) error {
	v.Enabled = bool(d.Enabled)
	return nil
}

// GoalDoc is a goal with enabled as 1 or 0 and settings.conditions, the
// goal's URL as the one condition chatlift keeps. A request's conditions
// win over its url when they change; no condition clears the URL.
type GoalDoc struct {
	*chatlift.Goal
	Enabled  flag `json:"enabled"`
	Settings struct {
		Conditions []GoalCondition `json:"conditions"`
	} `json:"settings"`
	url string // the goal's URL before a request
}

// GoalCondition is a goal's condition: the visitor reached a URL.
type GoalCondition struct {
	Type     string `json:"type"`     // url
	Operator string `json:"operator"` // equals (a full http(s) URL) or contains
	Value    string `json:"value"`
}

func (d *GoalDoc) show(v *chatlift.Goal, _ *viewData) {
	d.Goal, d.Enabled, d.url = v, flag(v.Enabled), v.URL
	d.Settings.Conditions = []GoalCondition{}
	if v.URL != "" {
		op := "contains"
		if strings.HasPrefix(v.URL, "http://") || strings.HasPrefix(v.URL, "https://") {
			op = "equals"
		}
		d.Settings.Conditions = append(d.Settings.Conditions, GoalCondition{Type: "url", Operator: op, Value: v.URL})
	}
}

func (d *GoalDoc) apply(v *chatlift.Goal) error {
	v.Enabled = bool(d.Enabled)
	switch c := d.Settings.Conditions; {
	case len(c) > 1:
		return chatlift.Errorf(chatlift.EINVALID, "settings.conditions: chatlift keeps one condition a goal")
	case len(c) == 1 && c[0].Type != "url":
		return chatlift.Errorf(chatlift.EINVALID, "settings.conditions[0].type must be url")
	case len(c) == 1 && c[0].Operator != "equals" && c[0].Operator != "contains":
		return chatlift.Errorf(chatlift.EINVALID, "settings.conditions[0].operator must be equals or contains")
	case len(c) == 1 && c[0].Value != d.url:
		v.URL = c[0].Value
	case len(c) == 0 && d.url != "":
		v.URL = ""
	}
	return nil
}

// ShortcutDoc is a shortcut whose id is its name, as the reference has it.
// A request's id is ignored (it is read-only), whatever its type.
type ShortcutDoc struct {
	*chatlift.Shortcut
	ID any `json:"id"`
}

func (d *ShortcutDoc) show(v *chatlift.Shortcut, _ *viewData) {
	d.Shortcut, d.ID = v, v.Name
	v.Tags, v.Departments, v.Agents = api.NonNil(v.Tags), api.NonNil(v.Departments), api.NonNil(v.Agents)
}

func (d *ShortcutDoc) apply(v *chatlift.Shortcut) error {
	if strings.ContainsAny(v.Name, `/\$`) {
		return chatlift.Errorf(chatlift.EINVALID, `shortcut name must not have "/", "\" or "$"`)
	}
	return nil
}

// docJSON is the stored body as its doc.
func docJSON[T any, D any, P interface {
	*D
	objectDoc[T]
}](body json.RawMessage, x *viewData) (any, error) {
	v := new(T)
	if err := json.Unmarshal(body, v); err != nil {
		return nil, chatlift.Errorf(chatlift.EINTERNAL, "stored object: %s", err.Error())
	}
	d := P(new(D))
	d.show(v, x)
	return d, nil
}

// VisitorDoc is a visitor with the reference's banned (a visitor ban names
// it), created (its created_at) and external_id (chatlift keeps none: "").
type VisitorDoc struct {
	*chatlift.Visitor
	Banned     bool      `json:"banned"`
	Created    time.Time `json:"created"`
	ExternalID string    `json:"external_id"`
}

// visitorDocs shows visitors as the API does, reading the bans once.
func visitorDocs(r *http.Request, c *chatCaller, list []*chatlift.Visitor) ([]*VisitorDoc, error) {
	all, err := bans(r, c)
	if err != nil {
		return nil, err
	}
	banned := map[string]bool{}
	for _, b := range all {
		if b.Type == "visitor" {
			banned[b.VisitorID] = true
		}
	}
	docs := make([]*VisitorDoc, len(list))
	for i, v := range list {
		v.Tags = api.NonNil(v.Tags)
		docs[i] = &VisitorDoc{Visitor: v, Banned: banned[v.ID], Created: v.CreatedAt}
	}
	return docs, nil
}
