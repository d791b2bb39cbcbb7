package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// rawTable is how a history table is read and written as raw rows.
type rawTable struct {
	name    string
	numeric bool // integer keys (analytics events)
	update  bool // has update_s (chats)
}

var rawTables = map[string]rawTable{
	chatlift.TableChats:         {name: "chats", update: true},
	chatlift.TableVisitors:      {name: "visitors"},
	chatlift.TableAnalytics:     {name: "analytics_events", numeric: true},
	chatlift.TableAgentTimeline: {name: "agent_timeline"},
}

func lookupRaw(table string) (rawTable, error) {
	t, ok := rawTables[table]
	if !ok {
		return t, chatlift.Errorf(chatlift.EINVALID, "unknown history table %q", table)
	}
	return t, nil
}

// key converts a key to the column's type.
func (t rawTable) key(k string) (any, error) {
	if !t.numeric {
		return k, nil
	}
	n, err := strconv.ParseInt(k, 10, 64)
	if err != nil {
		return nil, chatlift.Errorf(chatlift.EINVALID, "key %q is not a number", k)
	}
	return n, nil
}

func (t rawTable) columns() string {
	if t.update {
		return "id, update_s, body"
	}
	return "id, 0, body"
}

// RawRows implements chatlift.ChatStore.
func (d *DB) RawRows(ctx context.Context, table string, accountID int64, afterKey, throughKey string, limit int) ([]chatlift.RawRow, error) {
	t, err := lookupRaw(table)
	if err != nil {
		return nil, err
	}
	where, args := "account_id = ?", []any{accountID}
	if afterKey != "" {
		k, err := t.key(afterKey)
		if err != nil {
			return nil, err
		}
		where, args = where+" AND id > ?", append(args, k)
	}
	if throughKey != "" {
		k, err := t.key(throughKey)
		if err != nil {
			return nil, err
		}
		where, args = where+" AND id <= ?", append(args, k)
	}
	q := "SELECT " + t.columns() + " FROM " + t.name + " WHERE " + where + " ORDER BY id LIMIT ?"
	rows, err := d.q().QueryContext(ctx, d.rebind(q), append(args, chatlift.PageSize(limit))...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	out := make([]chatlift.RawRow, 0, limit)
	for rows.Next() {
		var r chatlift.RawRow
		if t.numeric {
			var n int64
			if err := rows.Scan(&n, &r.UpdateS, &r.Body); err != nil {
				return nil, fmt.Errorf("scan %s: %w", t.name, err)
			}
			r.Key = strconv.FormatInt(n, 10)
		} else if err := rows.Scan(&r.Key, &r.UpdateS, &r.Body); err != nil {
			return nil, fmt.Errorf("scan %s: %w", t.name, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// What insertRaw does with a row whose key the table has.
type onConflict int

const (
	conflictIgnore  onConflict = iota // leave the row there alone
	conflictReplace                   // overwrite it
	conflictFail                      // fail the statement (a plain INSERT)
)

// insertRaw writes rows in statements of at most maxParams values.
func (d *DB) insertRaw(ctx context.Context, q querier, t rawTable, accountID int64, rows []chatlift.RawRow, mode onConflict) (int, error) {
	cols, per := "account_id, id, body", 3
	if t.update {
		cols, per = "account_id, id, update_s, body", 4
	}
	conflict := ""
	switch mode {
	case conflictIgnore:
		conflict = " ON CONFLICT (account_id, id) DO NOTHING"
	case conflictReplace:
		conflict = " ON CONFLICT (account_id, id) DO UPDATE SET body = excluded.body"
		if t.update {
			conflict += ", update_s = excluded.update_s"
		}
	}
	added := 0
	chunk := maxParams / per
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(len(rows), start+chunk)]
		var b strings.Builder
		b.WriteString("INSERT INTO " + t.name + " (" + cols + ") VALUES ")
		args := make([]any, 0, len(part)*per)
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", per), ", ") + ")"
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			k, err := t.key(r.Key)
			if err != nil {
				return 0, err
			}
			args = append(args, accountID, k)
			if t.update {
				args = append(args, r.UpdateS)
			}
			args = append(args, string(r.Body))
		}
		b.WriteString(conflict)
		res, err := q.ExecContext(ctx, d.rebind(b.String()), args...)
		if err != nil {
			return 0, fmt.Errorf("write %s: %w", t.name, interpret(err))
		}
		n, _ := res.RowsAffected()
		added += int(n)
	}
	return added, nil
}

// PutRawRows implements chatlift.ChatStore.
func (d *DB) PutRawRows(ctx context.Context, table string, accountID int64, rows []chatlift.RawRow) error {
	t, err := lookupRaw(table)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(q querier) error {
		_, err := d.insertRaw(ctx, q, t, accountID, rows, conflictReplace)
		return err
	})
}

// InsertRawRows inserts rows into a history table with plain batched
// INSERTs in one transaction, nothing else: the physical baseline the
// import's rate is measured against (chatlift bench import).
func (d *DB) InsertRawRows(ctx context.Context, table string, accountID int64, rows []chatlift.RawRow) error {
	t, err := lookupRaw(table)
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(q querier) error {
		_, err := d.insertRaw(ctx, q, t, accountID, rows, conflictFail)
		return err
	})
}

// ImportBatch implements chatlift.PlatformStore.
func (d *DB) ImportBatch(ctx context.Context, table string, accountID int64, rows []chatlift.RawRow, cursor chatlift.ImportCursor, at time.Time) (int, error) {
	t, err := lookupRaw(table)
	if err != nil {
		return 0, err
	}
	added := 0
	err = d.inTx(ctx, func(q querier) error {
		if added, err = d.insertRaw(ctx, q, t, accountID, rows, conflictIgnore); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, d.rebind(`INSERT INTO import_cursors (account_id, table_name, after_key, done, finished) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (account_id, table_name) DO UPDATE SET after_key = excluded.after_key, done = excluded.done, finished = excluded.finished`),
			accountID, table, cursor.AfterKey, cursor.Done, cursor.Finished)
		if err != nil {
			return fmt.Errorf("move import cursor: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		return d.addThroughput(ctx, q, at, len(rows))
	})
	return added, err
}

// ImportCursor implements chatlift.PlatformStore.
func (d *DB) ImportCursor(ctx context.Context, table string, accountID int64) (chatlift.ImportCursor, error) {
	var c chatlift.ImportCursor
	if _, err := lookupRaw(table); err != nil {
		return c, err
	}
	err := d.q().QueryRowContext(ctx, d.rebind("SELECT after_key, done, finished FROM import_cursors WHERE account_id = ? AND table_name = ?"), accountID, table).
		Scan(&c.AfterKey, &c.Done, &c.Finished)
	if err = interpret(err); chatlift.ErrorCode(err) == chatlift.ENOTFOUND {
		return chatlift.ImportCursor{}, nil
	}
	return c, err
}
