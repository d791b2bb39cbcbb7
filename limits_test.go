package chatlift_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chatlift/chatlift"
)

// runes is n characters of two bytes each, so that a limit in characters
// is not mistaken for one in bytes.
func runes(n int) string { return strings.Repeat("é", n) }

// validAgent, validChat, … are valid entities each case changes one field of.
func validAgent() *chatlift.Agent {
	return &chatlift.Agent{ID: 1, Email: "a@b.test", Role: chatlift.ChatRoleAgent}
}

func validChat() *chatlift.Chat {
	return &chatlift.Chat{ID: "2601.1.ABC", Type: chatlift.ChatTypeChat, Timestamp: time.Unix(1767225600, 0)}
}

func validTicket() *chatlift.Ticket { return &chatlift.Ticket{Subject: "s", Status: "open"} }

func validClient() *chatlift.OAuthClient {
	return &chatlift.OAuthClient{Name: "c", ClientIdentifier: "c", ClientType: chatlift.ClientPublic}
}

func validUser() *chatlift.User {
	return &chatlift.User{ID: 1, Email: "u@b.test", Role: chatlift.UserRoleAgent}
}

// wantInvalid fails unless err is nil (mention "") or an invalid error
// whose message says mention.
func wantInvalid(t *testing.T, err error, mention string) {
	t.Helper()
	switch {
	case mention == "" && err != nil:
		t.Fatalf("valid input refused: %v", err)
	case mention == "":
	case chatlift.ErrorCode(err) != chatlift.EINVALID || !strings.Contains(err.Error(), mention):
		t.Fatalf("err = %v (%s), want invalid saying %q", err, chatlift.ErrorCode(err), mention)
	}
}

func TestValidateLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		validate func() error
		mention  string // "" means valid
	}{
		{"OKAgentNameAtLimit", func() error { a := validAgent(); a.DisplayName = runes(255); return a.Validate() }, ""},
		{"ErrAgentDisplayName", func() error { a := validAgent(); a.DisplayName = runes(256); return a.Validate() }, "display_name is longer than 255 characters"},
		{"ErrAgentLastName", func() error { a := validAgent(); a.LastName = runes(256); return a.Validate() }, "last_name is longer than 255"},
		{"ErrAgentEmail", func() error { a := validAgent(); a.Email = strings.Repeat("a", 250) + "@b.test"; return a.Validate() }, "email is longer than 254 bytes"},
		{"ErrAgentSkills", func() error { a := validAgent(); a.Skills = make([]int64, 1001); return a.Validate() }, "skills has more than 1000"},
		{"OKUserName", func() error { u := validUser(); u.Name = runes(255); return u.Validate() }, ""},
		{"ErrUserName", func() error { u := validUser(); u.Name = strings.Repeat("n", 1<<20); return u.Validate() }, "name is longer than 255 characters"},
		{"ErrAccountName", func() error {
			a := &chatlift.SupportAccount{ID: 1, Name: runes(256), Subdomain: "a", OwnerEmail: "o@b.test"}
			return a.Validate()
		}, "name is longer than 255"},
		{"ErrChatAccountGreeting", func() error {
			a := &chatlift.ChatAccount{ID: 1, Name: "a", OwnerEmail: "o@b.test", State: chatlift.ChatAccountActive}
			a.Widget.Greeting = runes(1025)
			return a.Validate()
		}, "widget_settings.greeting is longer than 1024"},
		{"OKTicketSubject", func() error { tk := validTicket(); tk.Subject = runes(255); return tk.Validate() }, ""},
		{"ErrTicketSubject", func() error { tk := validTicket(); tk.Subject = runes(256); return tk.Validate() }, "subject is longer than 255"},
		{"ErrTicketDescription", func() error {
			tk := validTicket()
			tk.Description = strings.Repeat("d", 64<<10+1)
			return tk.Validate()
		}, "description is longer than 65536 bytes"},
		{"ErrTicketTags", func() error { tk := validTicket(); tk.Tags = make([]string, 51); return tk.Validate() }, "tags has more than 50"},
		{"ErrTicketTag", func() error { tk := validTicket(); tk.Tags = []string{runes(65)}; return tk.Validate() }, "tags is longer than 64"},
		{"ErrClientName", func() error { c := validClient(); c.Name = runes(256); return c.Validate() }, "name is longer than 255"},
		{"ErrClientRedirectURI", func() error {
			c := validClient()
			c.RedirectURIs = []string{"https://x.test/" + strings.Repeat("a", 2048)}
			return c.Validate()
		}, "redirect_uris is longer than 2048 bytes"},
		{"ErrClientIdentifier", func() error { c := validClient(); c.ClientIdentifier = strings.Repeat("c", 65); return c.Validate() }, "client_identifier is longer than 64 bytes"},
		{"OKChat", func() error { return validChat().Validate() }, ""},
		{"ErrChatID", func() error { c := validChat(); c.ID = "a b"; return c.Validate() }, "id must be 1 to 64"},
		{"ErrChatVisitorName", func() error { c := validChat(); c.Visitor.Name = runes(256); return c.Validate() }, "visitor.name is longer than 255"},
		{"ErrChatMessage", func() error {
			c := validChat()
			c.History = []chatlift.Message{{Type: "chat.msg", Msg: strings.Repeat("m", 64<<10+1)}}
			return c.Validate()
		}, "history.msg is longer than 65536 bytes"},
		{"ErrChatHistory", func() error { c := validChat(); c.History = make([]chatlift.Message, 10001); return c.Validate() }, "history has more than 10000"},
		{"ErrVisitorNotes", func() error {
			v := &chatlift.Visitor{ID: "v1", Notes: strings.Repeat("n", 64<<10+1)}
			return v.Validate()
		}, "notes is longer than 65536 bytes"},
		{"ErrAppName", func() error {
			a := &chatlift.AppInstallation{Name: runes(256), Kind: chatlift.AppPublic, Products: []string{"support"}}
			return a.Validate()
		}, "name is longer than 255"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantInvalid(t, tc.validate(), tc.mention) })
	}
}

func TestObjectValidate(t *testing.T) {
	t.Parallel()
	object := func(kind chatlift.ObjectKind, body map[string]any) *chatlift.Object {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		return &chatlift.Object{Kind: kind, ID: 1, Body: b}
	}
	for _, tc := range []struct {
		name    string
		object  *chatlift.Object
		mention string
	}{
		{"OKDepartment", object(chatlift.KindDepartment, map[string]any{"name": runes(255), "description": runes(1024)}), ""},
		{"ErrDepartmentName", object(chatlift.KindDepartment, map[string]any{"name": runes(256)}), "name is longer than 255"},
		{"ErrDepartmentNoName", object(chatlift.KindDepartment, map[string]any{}), "department name is required"},
		{"ErrSkillMembers", object(chatlift.KindSkill, map[string]any{"name": "s", "members": make([]int64, 1001)}), "members has more than 1000"},
		{"ErrRoleDescription", object(chatlift.KindRole, map[string]any{"name": "r", "description": runes(1025)}), "description is longer than 1024"},
		{"ErrShortcutMessage", object(chatlift.KindShortcut, map[string]any{"name": "s", "message": strings.Repeat("m", 64<<10+1)}), "message is longer than 65536"},
		{"ErrBanReason", object(chatlift.KindBan, map[string]any{"type": "visitor", "visitor_id": "v", "reason": runes(1025)}), "reason is longer than 1024"},
		{"ErrBanCreatedAt", object(chatlift.KindBan, map[string]any{"type": "visitor", "visitor_id": "v", "created_at": "9999-01-01T00:00:00Z"}), "created_at must be from 2000"},
		{"ErrGoalURL", object(chatlift.KindGoal, map[string]any{"name": "g", "url": strings.Repeat("u", 2049)}), "url is longer than 2048 bytes"},
		{"ErrIntegrationName", object(chatlift.KindIntegration, map[string]any{"type": "slack", "name": runes(256)}), "name is longer than 255"},
		{"ErrKind", &chatlift.Object{Kind: "macro", ID: 1, Body: []byte(`{}`)}, `unknown object kind "macro"`},
	} {
		t.Run(tc.name, func(t *testing.T) { wantInvalid(t, tc.object.Validate(), tc.mention) })
	}
}

func TestCheckTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"OKFirstSecond", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"OKLastSecond", time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{"OKOtherZone", time.Date(2030, 6, 1, 9, 0, 0, 0, time.FixedZone("JST", 9*3600)), true},
		{"ErrBefore", time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"ErrEnd", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"ErrYear0", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"ErrYear9999", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"ErrZero", time.Time{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := chatlift.CheckTime("when", tc.at)
			if tc.ok != (err == nil) {
				t.Fatalf("CheckTime(%s) = %v", tc.at, err)
			}
			if err != nil && (chatlift.ErrorCode(err) != chatlift.EINVALID || !strings.Contains(err.Error(), "when")) {
				t.Fatalf("err = %v, want invalid naming the field", err)
			}
		})
	}
}
