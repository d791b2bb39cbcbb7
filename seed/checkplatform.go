package seed

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chatlift/chatlift"
)

func (a *Account) checkUsers() error {
	if a.supportOwner() == nil {
		a.Users = append(a.Users, &chatlift.User{Email: a.Support.OwnerEmail, Name: localPart(a.Support.OwnerEmail),
			Role: chatlift.UserRoleAdmin, Owner: true, Active: true})
	}
	fillIDs(a.Users, func(u *chatlift.User) *int64 { return &u.ID })
	ids, emails := map[int64]bool{}, map[string]bool{}
	owner := chatlift.NormalizeEmail(a.Support.OwnerEmail)
	return each("users", a.Users, func(u *chatlift.User) error {
		u.Role = cmp.Or(u.Role, chatlift.UserRoleAgent)
		if err := u.Validate(); err != nil {
			return err
		}
		key := chatlift.NormalizeEmail(u.Email)
		switch {
		case ids[u.ID]:
			return invalid("duplicate user id %d", u.ID)
		case emails[key]:
			return invalid("email %q is another user's too (emails match without regard to case)", u.Email)
		case key == owner && !u.Owner:
			return invalid("the support owner %s must have owner true", u.Email)
		case key != owner && u.Owner:
			return invalid("owner true belongs to the support owner %s alone", a.Support.OwnerEmail)
		}
		ids[u.ID], emails[key] = true, true
		return nil
	})
}

func (a *Account) checkApps() error {
	fillIDs(a.Apps, func(i *chatlift.AppInstallation) *int64 { return &i.ID })
	ids := map[int64]bool{}
	return each("apps", a.Apps, func(i *chatlift.AppInstallation) error {
		if err := i.Validate(); err != nil {
			return err
		}
		return distinct(ids, i.ID, "app installation id")
	})
}

func (a *Account) checkTickets() error {
	fillIDs(a.Tickets, func(t *chatlift.Ticket) *int64 { return &t.ID })
	chats, ids := a.chatIDs(), map[int64]bool{}
	return each("tickets", a.Tickets, func(t *chatlift.Ticket) error {
		if err := t.Validate(); err != nil {
			return err
		} else if t.ChatID != "" && !chats[t.ChatID] {
			return invalid("chat_id: no chat %q", t.ChatID)
		} else if t.RequesterEmail != "" && !chatlift.ValidEmail(t.RequesterEmail) {
			return invalid("requester_email %q is not an email address", t.RequesterEmail)
		}
		return distinct(ids, t.ID, "ticket id")
	})
}

// checkBilling checks the billing accounts; an id of zero is allocated when
// the account is loaded.
func (a *Account) checkBilling() error {
	products, ids := map[string]bool{}, map[int64]bool{}
	return each("billing", a.Billing, func(b *chatlift.BillingAccount) error {
		if b.AccountID != 0 && b.AccountID != a.Chat.ID {
			return invalid("account_id %d differs from chat.id %d", b.AccountID, a.Chat.ID)
		}
		v := *b
		if v.ID == 0 {
			v.ID = 1
		}
		if err := v.Validate(); err != nil {
			return err
		} else if err := distinct(products, b.Product, "billing account for product"); err != nil {
			return err
		} else if b.ID != 0 {
			return distinct(ids, b.ID, "billing account id")
		}
		return nil
	})
}

// checkSubscriptions ties each subscription to its billing account (the
// account's one for its product when billing_account_id is zero) and fills
// its currency, frequency and term from it when they are zero.
func (a *Account) checkSubscriptions() error {
	ids := map[int64]bool{}
	return each("subscriptions", a.Subscriptions, func(s *chatlift.Subscription) error {
		b := a.billing(s.Product)
		if s.BillingAccountID != 0 {
			b = a.billingByID(s.BillingAccountID)
		}
		switch {
		case s.Product != "support" && s.Product != "chat":
			return invalid("product must be support or chat")
		case b == nil || b.Product != s.Product:
			return invalid("no %s billing account (billing_account_id %d) for this subscription", s.Product, s.BillingAccountID)
		case s.Seats < 0 || s.UnitPriceCents < 0:
			return invalid("seats and unit_price_cents must not be negative")
		case s.ID != 0 && ids[s.ID]:
			return invalid("duplicate subscription id %d", s.ID)
		}
		ids[s.ID] = true
		s.Currency, s.Frequency = cmp.Or(s.Currency, b.Currency), cmp.Or(s.Frequency, b.Frequency)
		if s.TermStart.IsZero() && s.TermEnd.IsZero() {
			s.TermStart, s.TermEnd = b.TermStart, b.TermEnd
		}
		return nil
	})
}

func (a *Account) billingByID(id int64) *chatlift.BillingAccount {
	for _, b := range a.Billing {
		if b.ID == id {
			return b
		}
	}
	return nil
}

// each runs check on every item, reporting the first problem as
// "field[i]: problem".
func each[T any](field string, items []*T, check func(*T) error) error {
	for i, it := range items {
		if it == nil {
			return invalid("%s[%d]: null", field, i)
		}
		if err := check(it); err != nil {
			return within(fmt.Sprintf("%s[%d]: ", field, i), err)
		}
	}
	return nil
}

// fillIDs numbers the items whose id is zero after the largest id.
func fillIDs[T any](items []*T, id func(*T) *int64) {
	var top int64
	for _, it := range items {
		if it != nil {
			top = max(top, *id(it))
		}
	}
	for _, it := range items {
		if it != nil && *id(it) == 0 {
			top++
			*id(it) = top
		}
	}
}

// distinct records key in seen, or reports that it was there already.
func distinct[K comparable](seen map[K]bool, key K, what string) error {
	if seen[key] {
		return invalid("duplicate %s %v", what, key)
	}
	seen[key] = true
	return nil
}

func invalid(format string, args ...any) error {
	return chatlift.Errorf(chatlift.EINVALID, format, args...)
}

// within prefixes the message of err, a *chatlift.Error, with where.
func within(where string, err error) error {
	if err == nil {
		return nil
	}
	return chatlift.Errorf(chatlift.ErrorCode(err), "%s%s", where, chatlift.ErrorMessage(err))
}

// strictJSON decodes data into v, refusing unknown fields and trailing data,
// and describes a problem without the decoder's "json: " prefix.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New(jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the value")
	}
	return nil
}

func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if errors.As(err, &syntax) {
		return fmt.Sprintf("%s (at byte %d)", msg, syntax.Offset)
	} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of JSON"
	}
	return msg
}

func localPart(email string) string {
	local, _, _ := strings.Cut(email, "@")
	return local
}
