package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chatlift/chatlift"
)

// batchItemsPerInsert bounds the rows of one INSERT of a batch's upgrades.
const batchItemsPerInsert = 500

// CreateBatchAction implements chatlift.PlatformStore.
func (d *DB) CreateBatchAction(ctx context.Context, b *chatlift.BatchAction, upgradeIDs []string) error {
	if err := b.Validate(); err != nil {
		return err
	}
	kept := *b
	kept.Total, kept.Done, kept.Accepted, kept.Finished = 0, 0, 0, nil
	body, err := json.Marshal(kept)
	if err != nil {
		return fmt.Errorf("encode batch: %w", err)
	}
	return d.inTx(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, d.rebind("INSERT INTO batch_actions (id, body) VALUES (?, ?)"), b.ID, string(body)); err != nil {
			return fmt.Errorf("create batch %s: %w", b.ID, interpret(err))
		}
		for start := 0; start < len(upgradeIDs); start += batchItemsPerInsert {
			chunk := upgradeIDs[start:min(start+batchItemsPerInsert, len(upgradeIDs))]
			args := make([]any, 0, 3*len(chunk))
			for i, id := range chunk {
				args = append(args, b.ID, start+i+1, id)
			}
			values := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(chunk)), ", ")
			if _, err := q.ExecContext(ctx, d.rebind("INSERT INTO batch_items (batch_id, seq, upgrade_id) VALUES "+values), args...); err != nil {
				return fmt.Errorf("add the upgrades of batch %s: %w", b.ID, interpret(err))
			}
		}
		return nil
	})
}

// BatchAction implements chatlift.PlatformStore.
func (d *DB) BatchAction(ctx context.Context, id string) (*chatlift.BatchAction, error) {
	list, err := d.batchActions(ctx, "a.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no batch %s", id)
	}
	return list[0], nil
}

// UnfinishedBatchActions implements chatlift.PlatformStore.
func (d *DB) UnfinishedBatchActions(ctx context.Context) ([]*chatlift.BatchAction, error) {
	list, err := d.batchActions(ctx, "a.finished_at IS NULL")
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, func(a, b *chatlift.BatchAction) int { return a.Started.Compare(b.Started) })
	return list, nil
}

// batchActions reads the batches where where holds (of batch_actions a),
// each with its upgrades counted, in one query.
func (d *DB) batchActions(ctx context.Context, where string, args ...any) ([]*chatlift.BatchAction, error) {
	rows, err := d.q().QueryContext(ctx, d.rebind(`SELECT a.id, a.body, a.finished_at, COUNT(i.seq),
		COALESCE(SUM(CASE WHEN i.result <> '' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN i.result = ? THEN 1 ELSE 0 END), 0)
		FROM batch_actions a LEFT JOIN batch_items i ON i.batch_id = a.id
		WHERE `+where+` GROUP BY a.id ORDER BY a.id LIMIT ?`),
		append(append([]any{chatlift.BatchResultAccepted}, args...), chatlift.MaxLimit)...)
	if err != nil {
		return nil, fmt.Errorf("read batches: %w", err)
	}
	defer rows.Close()
	var list []*chatlift.BatchAction
	for rows.Next() {
		var id, body string
		var finished sql.NullInt64
		var total, done, accepted int
		if err := rows.Scan(&id, &body, &finished, &total, &done, &accepted); err != nil {
			return nil, fmt.Errorf("read batch: %w", err)
		}
		b := &chatlift.BatchAction{}
		if err := json.Unmarshal([]byte(body), b); err != nil {
			return nil, fmt.Errorf("decode batch %s: %w", id, err)
		}
		b.Total, b.Done, b.Accepted = total, done, accepted
		if finished.Valid {
			at := time.UnixMilli(finished.Int64).UTC()
			b.Finished = &at
		}
		list = append(list, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read batches: %w", err)
	}
	return list, nil
}

// claimRetries bounds how often a claim that lost a race tries the next upgrade.
const claimRetries = 100

// ClaimBatchItem implements chatlift.PlatformStore. The update claims the
// first waiting upgrade only if it is still waiting when written: of two
// claimers, the one that finds it taken tries the next.
func (d *DB) ClaimBatchItem(ctx context.Context, batchID string, now time.Time) (*chatlift.BatchItem, error) {
	for range claimRetries {
		it := &chatlift.BatchItem{BatchID: batchID}
		err := d.writeRow(ctx, `UPDATE batch_items SET claimed_at = ?
			WHERE batch_id = ? AND claimed_at IS NULL AND seq = (SELECT MIN(seq) FROM batch_items WHERE batch_id = ? AND claimed_at IS NULL)
			RETURNING seq, upgrade_id`, []any{now.UnixMilli(), batchID, batchID}, &it.Seq, &it.UpgradeID)
		if err == nil {
			at := time.UnixMilli(now.UnixMilli()).UTC()
			it.Claimed = &at
			return it, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("claim an upgrade of batch %s: %w", batchID, err)
		}
		var waiting int
		err = d.q().QueryRowContext(ctx, d.rebind("SELECT COUNT(*) FROM batch_items WHERE batch_id = ? AND claimed_at IS NULL"), batchID).Scan(&waiting)
		if err != nil {
			return nil, fmt.Errorf("count the waiting upgrades of batch %s: %w", batchID, err)
		} else if waiting == 0 {
			return nil, chatlift.Errorf(chatlift.ENOTFOUND, "no upgrade of batch %s waits", batchID)
		}
	}
	return nil, chatlift.Errorf(chatlift.EUNAVAILABLE, "too many workers claim the upgrades of batch %s at once", batchID)
}

// RecordBatchItem implements chatlift.PlatformStore.
func (d *DB) RecordBatchItem(ctx context.Context, batchID, upgradeID, result string) error {
	if result == "" {
		return chatlift.Errorf(chatlift.EINVALID, "a batch result is required")
	}
	res, err := d.q().ExecContext(ctx, d.rebind(`UPDATE batch_items SET result = ?
		WHERE batch_id = ? AND upgrade_id = ? AND claimed_at IS NOT NULL AND result = ''`), result, batchID, upgradeID)
	if err != nil {
		return fmt.Errorf("record the result of %s in batch %s: %w", upgradeID, batchID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("record the result of %s in batch %s: %w", upgradeID, batchID, err)
	} else if n == 1 {
		return nil
	}
	var claimed sql.NullInt64
	var was string
	err = d.q().QueryRowContext(ctx, d.rebind("SELECT claimed_at, result FROM batch_items WHERE batch_id = ? AND upgrade_id = ?"),
		batchID, upgradeID).Scan(&claimed, &was)
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && !claimed.Valid:
		return chatlift.Errorf(chatlift.ENOTFOUND, "upgrade %s of batch %s is not claimed", upgradeID, batchID)
	case err != nil:
		return fmt.Errorf("read the result of %s in batch %s: %w", upgradeID, batchID, err)
	}
	return chatlift.Errorf(chatlift.ECONFLICT, "upgrade %s of batch %s already has a result: %s", upgradeID, batchID, was)
}

// BatchItems implements chatlift.PlatformStore.
func (d *DB) BatchItems(ctx context.Context, f chatlift.BatchItemFilter) ([]*chatlift.BatchItem, error) {
	where := "batch_id = ? AND seq > ?"
	if f.Claimed {
		where += " AND claimed_at IS NOT NULL AND result = ''"
	}
	if f.Refused {
		where += " AND result <> '' AND result <> '" + chatlift.BatchResultAccepted + "'"
	}
	rows, err := d.q().QueryContext(ctx, d.rebind("SELECT seq, upgrade_id, claimed_at, result FROM batch_items WHERE "+where+" ORDER BY seq LIMIT ?"),
		f.BatchID, f.AfterSeq, chatlift.PageSize(f.Limit))
	if err != nil {
		return nil, fmt.Errorf("list the upgrades of batch %s: %w", f.BatchID, err)
	}
	defer rows.Close()
	var list []*chatlift.BatchItem
	for rows.Next() {
		it := &chatlift.BatchItem{BatchID: f.BatchID}
		var claimed sql.NullInt64
		if err := rows.Scan(&it.Seq, &it.UpgradeID, &claimed, &it.Result); err != nil {
			return nil, fmt.Errorf("scan batch item: %w", err)
		}
		if claimed.Valid {
			at := time.UnixMilli(claimed.Int64).UTC()
			it.Claimed = &at
		}
		list = append(list, it)
	}
	return list, rows.Err()
}

// FinishBatchAction implements chatlift.PlatformStore.
func (d *DB) FinishBatchAction(ctx context.Context, id string, at time.Time) (bool, error) {
	_, err := d.q().ExecContext(ctx, d.rebind(`UPDATE batch_actions SET finished_at = ? WHERE id = ? AND finished_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM batch_items WHERE batch_id = ? AND result = '')`), at.UnixMilli(), id, id)
	if err != nil {
		return false, fmt.Errorf("finish batch %s: %w", id, err)
	}
	var finished sql.NullInt64
	err = d.q().QueryRowContext(ctx, d.rebind("SELECT finished_at FROM batch_actions WHERE id = ?"), id).Scan(&finished)
	if errors.Is(err, sql.ErrNoRows) {
		return false, chatlift.Errorf(chatlift.ENOTFOUND, "no batch %s", id)
	} else if err != nil {
		return false, fmt.Errorf("read batch %s: %w", id, err)
	}
	return finished.Valid, nil
}
