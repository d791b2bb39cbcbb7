package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/chatlift/chatlift"
)

// ArmFault arms f (again, if it was taken) in place of any fault of the
// same account and step.
func (d *DB) ArmFault(ctx context.Context, f *chatlift.Fault) error {
	if err := f.Validate(); err != nil {
		return err
	}
	_, err := d.q().ExecContext(ctx, d.rebind(`INSERT INTO injected_faults (account_id, step, mode, armed_at, taken_at) VALUES (?, ?, ?, ?, NULL)
		ON CONFLICT (account_id, step) DO UPDATE SET mode = excluded.mode, armed_at = excluded.armed_at, taken_at = NULL`),
		f.AccountID, f.Step, f.Mode, f.ArmedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("arm fault: %w", interpret(err))
	}
	return nil
}

// TakeFault marks the armed fault of the account's step taken at `at` and
// returns its mode, or "" when none is armed. Of processes racing for one
// fault exactly one gets it. A step without a fault costs one read.
func (d *DB) TakeFault(ctx context.Context, accountID int64, step string, at time.Time) (string, error) {
	var n int
	err := d.q().QueryRowContext(ctx, d.rebind("SELECT COUNT(*) FROM injected_faults WHERE account_id = ? AND step = ? AND taken_at IS NULL"),
		accountID, step).Scan(&n)
	if err != nil || n == 0 {
		return "", wrapErr("read fault", err)
	}
	var mode string
	err = d.writeRow(ctx, "UPDATE injected_faults SET taken_at = ? WHERE account_id = ? AND step = ? AND taken_at IS NULL RETURNING mode",
		[]any{at.UnixMilli(), accountID, step}, &mode)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil // another process took it
	}
	return mode, wrapErr("take fault", err)
}

// Faults lists the armed and taken faults by account and step.
func (d *DB) Faults(ctx context.Context) ([]*chatlift.Fault, error) {
	rows, err := d.q().QueryContext(ctx, "SELECT account_id, step, mode, armed_at, taken_at FROM injected_faults ORDER BY account_id, step")
	if err != nil {
		return nil, fmt.Errorf("list faults: %w", err)
	}
	defer rows.Close()
	list := []*chatlift.Fault{}
	for rows.Next() {
		var f chatlift.Fault
		var armed int64
		var taken sql.NullInt64
		if err := rows.Scan(&f.AccountID, &f.Step, &f.Mode, &armed, &taken); err != nil {
			return nil, fmt.Errorf("list faults: %w", err)
		}
		f.ArmedAt = time.UnixMilli(armed).UTC()
		if taken.Valid {
			at := time.UnixMilli(taken.Int64).UTC()
			f.TakenAt = &at
		}
		list = append(list, &f)
	}
	return list, wrapErr("list faults", rows.Err())
}

// DisarmFault removes the account's fault at step, armed or taken;
// ENOTFOUND if there is none.
func (d *DB) DisarmFault(ctx context.Context, accountID int64, step string) error {
	res, err := d.q().ExecContext(ctx, d.rebind("DELETE FROM injected_faults WHERE account_id = ? AND step = ?"), accountID, step)
	if err != nil {
		return fmt.Errorf("disarm fault: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("disarm fault: %w", err)
	} else if n == 0 {
		return chatlift.Errorf(chatlift.ENOTFOUND, "no fault armed for account %d at step %s", accountID, step)
	}
	return nil
}

// wrapErr names what failed in err; nil stays nil.
func wrapErr(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
