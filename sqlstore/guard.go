package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/chatlift/chatlift"
)

// InAccountWrite implements chatlift.ChatStore. The transaction reads the
// account row with a shared lock (PostgreSQL) or under SQLite's write lock,
// so SetChatAccountState, which updates that row, waits for every write
// already in flight and no write starts on a frozen account.
func (d *DB) InAccountWrite(ctx context.Context, accountID int64, fn func(chatlift.ChatStore) error) error {
	if d.tx != nil {
		return chatlift.Errorf(chatlift.EINTERNAL, "nested account write")
	}
	return d.inTx(ctx, func(q querier) error {
		lock := ""
		if d.dialect == Postgres {
			lock = " FOR SHARE"
		}
		var state string
		err := q.QueryRowContext(ctx, d.rebind("SELECT state FROM chat_accounts WHERE id = ?"+lock), accountID).Scan(&state)
		if err != nil {
			return fmt.Errorf("lock chat account %d: %w", accountID, interpret(err))
		}
		if state != chatlift.ChatAccountActive {
			return fmt.Errorf("%w: %w", chatlift.Errorf(chatlift.EUNAVAILABLE, "chat account %d is %s", accountID, state), chatlift.ErrFrozen)
		}
		view := *d
		view.tx = q.(*sql.Tx)
		return fn(&view)
	})
}

// SetChatAccountState implements chatlift.ChatStore.
func (d *DB) SetChatAccountState(ctx context.Context, id int64, state string) (string, error) {
	var previous string
	err := d.inTx(ctx, func(q querier) error {
		lock := ""
		if d.dialect == Postgres {
			lock = " FOR UPDATE"
		}
		a, err := chatAccounts.get(ctx, d, q, "chat account", "WHERE id = ?"+lock, id)
		if err != nil {
			return err
		}
		previous, a.State = a.State, state
		if err := a.Validate(); err != nil {
			return err
		}
		return chatAccounts.put(ctx, d, q, []*chatlift.ChatAccount{a})
	})
	return previous, err
}
