package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/chatlift/chatlift"
)

var (
	ticketComments = &table[chatlift.TicketComment]{name: "ticket_comments", cols: []string{"account_id", "id", "ticket_id"}, nkey: 2,
		vals: func(c *chatlift.TicketComment) []any { return []any{c.AccountID, c.ID, c.TicketID} },
		kept: []string{"account_id", "ticket_id"}, dest: func(c *chatlift.TicketComment) []any { return []any{&c.AccountID, &c.TicketID} }}
	supportGroups = &table[chatlift.Group]{name: "support_groups", cols: []string{"account_id", "id"}, nkey: 2,
		vals: func(g *chatlift.Group) []any { return []any{g.AccountID, g.ID} },
		kept: []string{"account_id"}, dest: func(g *chatlift.Group) []any { return []any{&g.AccountID} }}
	organizations = &table[chatlift.Organization]{name: "organizations", cols: []string{"account_id", "id", "name_key"}, nkey: 2,
		vals: func(o *chatlift.Organization) []any { return []any{o.AccountID, o.ID, strings.ToLower(o.Name)} },
		kept: []string{"account_id"}, dest: func(o *chatlift.Organization) []any { return []any{&o.AccountID} }}
)

// DeleteTicket implements chatlift.SupportStore.
func (d *DB) DeleteTicket(ctx context.Context, accountID, id int64) error {
	return d.inTx(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, d.rebind("DELETE FROM tickets WHERE account_id = ? AND id = ?"), accountID, id)
		if err != nil {
			return fmt.Errorf("delete ticket %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("delete ticket %d: %w", id, err)
		} else if n == 0 {
			return chatlift.Errorf(chatlift.ENOTFOUND, "ticket %d not found", id)
		}
		_, err = q.ExecContext(ctx, d.rebind("DELETE FROM ticket_comments WHERE account_id = ? AND ticket_id = ?"), accountID, id)
		if err != nil {
			return fmt.Errorf("delete comments of ticket %d: %w", id, err)
		}
		return nil
	})
}

// TicketPage implements chatlift.SupportStore.
func (d *DB) TicketPage(ctx context.Context, accountID int64, offset, limit int) ([]*chatlift.Ticket, int, error) {
	var total int
	var list []*chatlift.Ticket
	err := d.snapshot(ctx, func(q reader) error { // the count and the page of one moment
		if err := q.QueryRowContext(ctx, d.rebind("SELECT COUNT(*) FROM tickets WHERE account_id = ?"), accountID).Scan(&total); err != nil {
			return fmt.Errorf("count tickets: %w", err)
		}
		var err error
		list, err = tickets.list(ctx, d, q, "WHERE account_id = ? ORDER BY id LIMIT ? OFFSET ?", accountID, chatlift.PageSize(limit), max(offset, 0))
		return err
	})
	return list, total, err
}

// PutTicketComments implements chatlift.SupportStore.
func (d *DB) PutTicketComments(ctx context.Context, list []*chatlift.TicketComment) error {
	for _, c := range list {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return ticketComments.put(ctx, d, tx, list) })
}

// TicketComments implements chatlift.SupportStore.
func (d *DB) TicketComments(ctx context.Context, accountID, ticketID int64) ([]*chatlift.TicketComment, error) {
	return ticketComments.list(ctx, d, d.q(), "WHERE account_id = ? AND ticket_id = ? ORDER BY id", accountID, ticketID)
}

// PutGroups implements chatlift.SupportStore.
func (d *DB) PutGroups(ctx context.Context, list []*chatlift.Group) error {
	for _, g := range list {
		if err := g.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return supportGroups.put(ctx, d, tx, list) })
}

// Groups implements chatlift.SupportStore.
func (d *DB) Groups(ctx context.Context, accountID int64) ([]*chatlift.Group, error) {
	return supportGroups.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// Group implements chatlift.SupportStore.
func (d *DB) Group(ctx context.Context, accountID, id int64) (*chatlift.Group, error) {
	return supportGroups.get(ctx, d, d.q(), fmt.Sprint("group ", id), "WHERE account_id = ? AND id = ?", accountID, id)
}

// PutOrganizations implements chatlift.SupportStore.
func (d *DB) PutOrganizations(ctx context.Context, list []*chatlift.Organization) error {
	for _, o := range list {
		if err := o.Validate(); err != nil {
			return err
		}
	}
	return d.inTx(ctx, func(tx querier) error { return organizations.put(ctx, d, tx, list) })
}

// Organizations implements chatlift.SupportStore.
func (d *DB) Organizations(ctx context.Context, accountID int64) ([]*chatlift.Organization, error) {
	return organizations.list(ctx, d, d.q(), "WHERE account_id = ? ORDER BY id", accountID)
}

// Organization implements chatlift.SupportStore.
func (d *DB) Organization(ctx context.Context, accountID, id int64) (*chatlift.Organization, error) {
	return organizations.get(ctx, d, d.q(), fmt.Sprint("organization ", id), "WHERE account_id = ? AND id = ?", accountID, id)
}
