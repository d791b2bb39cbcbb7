package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chatlift/chatlift"
)

// maxParams bounds the placeholders of one statement (SQLite allows 32766,
// PostgreSQL 65535).
const maxParams = 30000

// table describes how records of type T are kept: the columns written
// beside the JSON body, and the columns read back into fields the body omits.
type table[T any] struct {
	name string
	cols []string       // written beside body; the first nkey form the unique key
	nkey int            // how many leading cols are the conflict key
	vals func(*T) []any // values of cols
	kept []string       // columns read back besides body
	dest func(*T) []any // scan destinations for kept
}

// put upserts items by key, in statements of at most maxParams values.
func (t *table[T]) put(ctx context.Context, d *DB, q querier, items []*T) error {
	if len(items) == 0 {
		return nil
	}
	ncol := len(t.cols) + 1
	per := maxParams / ncol
	for start := 0; start < len(items); start += per {
		chunk := items[start:min(len(items), start+per)]
		args := make([]any, 0, len(chunk)*ncol)
		for _, it := range chunk {
			body, err := json.Marshal(it)
			if err != nil {
				return fmt.Errorf("encode %s: %w", t.name, err)
			}
			args = append(append(args, t.vals(it)...), string(body))
		}
		stmt := t.upsertSQL(len(chunk))
		if _, err := q.ExecContext(ctx, d.rebind(stmt), args...); err != nil {
			return fmt.Errorf("put %s: %w", t.name, interpret(err))
		}
	}
	return nil
}

func (t *table[T]) upsertSQL(rows int) string {
	var b strings.Builder
	row := "(" + strings.Repeat("?, ", len(t.cols)) + "?)"
	b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ", body) VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(" ON CONFLICT (" + strings.Join(t.cols[:t.nkey], ", ") + ") DO UPDATE SET ")
	for _, c := range t.cols[t.nkey:] {
		b.WriteString(c + " = excluded." + c + ", ")
	}
	b.WriteString("body = excluded.body")
	return b.String()
}

// list returns the records matching the SQL tail (WHERE/ORDER/LIMIT).
func (t *table[T]) list(ctx context.Context, d *DB, q reader, tail string, args ...any) ([]*T, error) {
	cols := append(append([]string{}, t.kept...), "body")
	rows, err := q.QueryContext(ctx, d.rebind("SELECT "+strings.Join(cols, ", ")+" FROM "+t.name+" "+tail), args...)
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", t.name, interpret(err))
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		it := new(T)
		var body []byte
		var dest []any
		if t.dest != nil {
			dest = t.dest(it)
		}
		if err := rows.Scan(append(dest, &body)...); err != nil {
			return nil, fmt.Errorf("scan %s: %w", t.name, err)
		}
		if err := json.Unmarshal(body, it); err != nil {
			return nil, fmt.Errorf("decode %s: %w", t.name, err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", t.name, err)
	}
	return out, nil
}

// get returns the one record matching the WHERE clause, or ENOTFOUND.
func (t *table[T]) get(ctx context.Context, d *DB, q reader, what, where string, args ...any) (*T, error) {
	items, err := t.list(ctx, d, q, where+" LIMIT 1", args...)
	if err != nil {
		return nil, err
	} else if len(items) == 0 {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "%s not found", what)
	}
	return items[0], nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	reader
}

// reader is a querier's reads: what a snapshot offers.
type reader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
