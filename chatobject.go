package chatlift

import (
	"encoding/json"
	"net"
)

// Validate checks that the body decodes into its kind's struct and that
// the struct is valid.
func (o *Object) Validate() error {
	var v interface{ Validate() error }
	switch o.Kind {
	case KindRole:
		v = new(Role)
	case KindDepartment:
		v = new(Department)
	case KindSkill:
		v = new(Skill)
	case KindTrigger:
		v = new(Trigger)
	case KindShortcut:
		v = new(Shortcut)
	case KindBan:
		v = new(Ban)
	case KindGoal:
		v = new(Goal)
	case KindIntegration:
		v = new(Integration)
	case KindMessageChannel:
		v = new(MessageChannel)
	default:
		return Errorf(EINVALID, "unknown object kind %q", o.Kind)
	}
	if err := json.Unmarshal(o.Body, v); err != nil {
		return Errorf(EINVALID, "%s body is not a %s object", o.Kind, o.Kind)
	}
	return v.Validate()
}

// checkNamed checks the name (required) and description every named
// configuration object has.
func checkNamed(what, name, description string) error {
	if name == "" {
		return Errorf(EINVALID, "%s name is required", what)
	}
	return firstError(checkRunes("name", name, MaxNameRunes), checkRunes("description", description, MaxDescriptionRunes))
}

// Validate reports the first problem with r.
func (r *Role) Validate() error {
	if err := firstError(checkNamed("role", r.Name, r.Description), checkCount("permissions", len(r.Permissions), MaxListItems)); err != nil {
		return err
	}
	for p, level := range r.Permissions {
		if err := firstError(checkRunes("permissions", p, MaxShortRunes), checkRunes("permissions."+p, level, MaxShortRunes)); err != nil {
			return err
		}
	}
	return nil
}

// Validate reports the first problem with d.
func (d *Department) Validate() error {
	return firstError(checkNamed("department", d.Name, d.Description), checkCount("members", len(d.Members), MaxIDs))
}

// Validate reports the first problem with s.
func (s *Skill) Validate() error {
	return firstError(checkNamed("skill", s.Name, s.Description), checkCount("members", len(s.Members), MaxIDs))
}

// Validate reports the first problem with t. The definition may be any
// JSON here; the chat API asks more of the triggers it is given.
func (t *Trigger) Validate() error {
	return firstError(checkNamed("trigger", t.Name, t.Description), checkBytes("definition", string(t.Definition), MaxTextBytes))
}

// Validate reports the first problem with s.
func (s *Shortcut) Validate() error {
	err := firstError(checkNamed("shortcut", s.Name, ""), checkBytes("message", s.Message, MaxTextBytes),
		checkRunes("options", s.Options, MaxDescriptionRunes), checkTags("tags", s.Tags), checkRunes("scope", s.Scope, MaxShortRunes),
		checkCount("departments", len(s.Departments), MaxIDs), checkCount("agents", len(s.Agents), MaxIDs))
	if err == nil && s.Message == "" {
		err = Errorf(EINVALID, "shortcut message is required")
	}
	return err
}

// Validate reports the first problem with b.
func (b *Ban) Validate() error {
	err := firstError(checkBytes("ip_address", b.IPAddress, MaxShortRunes), checkBytes("visitor_id", b.VisitorID, MaxKeyBytes), checkRunes("visitor_name", b.VisitorName, MaxNameRunes),
		checkRunes("reason", b.Reason, MaxDescriptionRunes), checkOptionalTime("created_at", b.CreatedAt))
	switch {
	case err != nil:
		return err
	case b.Type == "ip_address":
		if net.ParseIP(b.IPAddress) == nil {
			return Errorf(EINVALID, "ip_address %q is not an IP address", b.IPAddress)
		}
	case b.Type == "visitor":
		if b.VisitorID == "" {
			return Errorf(EINVALID, "a visitor ban needs visitor_id")
		}
	default:
		return Errorf(EINVALID, "ban type must be ip_address or visitor")
	}
	return nil
}

// Validate reports the first problem with g.
func (g *Goal) Validate() error {
	return firstError(checkNamed("goal", g.Name, g.Description), checkRunes("attribution_model", g.AttributionModel, MaxShortRunes),
		checkBytes("url", g.URL, MaxURLBytes))
}

// Validate reports the first problem with i.
func (i *Integration) Validate() error {
	return firstError(checkRunes("type", i.Type, MaxShortRunes), checkRunes("name", i.Name, MaxNameRunes))
}

// Validate reports the first problem with m.
func (m *MessageChannel) Validate() error {
	return firstError(checkRunes("type", m.Type, MaxShortRunes), checkRunes("name", m.Name, MaxNameRunes),
		checkRunes("external_id", m.ExternalPageOrAccountID, MaxNameRunes))
}
