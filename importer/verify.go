package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"time"

	"github.com/chatlift/chatlift"
)

// DefaultRange is the rows of the source per compared key range.
const DefaultRange = 2000

// Verifier compares an account's history in the legacy store and the
// platform's, table by table, one key range of the source at a time.
type Verifier struct {
	From chatlift.ChatStore
	To   chatlift.ChatStore
	// Range is the source rows per key range; 0 means DefaultRange.
	Range int
	Now   func() time.Time
}

// Verify compares every history table of the job's account. A source row is
// matched when the target has the same key with the same bytes; a target
// row the platform changed after the switch (job.SwitchedAt or later, and
// not older than the source's) is newer than the source and counted apart.
//
// With repair, the rows of a range that differ are re-copied from the
// source as they are found and the range compared again, so the result
// describes the target after the repair; the keys repaired are listed.
func (v *Verifier) Verify(ctx context.Context, job chatlift.ImportJob, repair bool, progress func(chatlift.ImportProgress)) (*chatlift.Verification, error) {
	start := v.now()
	count, err := v.From.CountHistory(ctx, job.AccountID)
	if err != nil {
		return nil, err
	}
	p := newTracker(count.Total(), 0, v.now, progress)
	p.report(chatlift.ImportVerifying)
	out := &chatlift.Verification{Passed: true}
	for _, table := range chatlift.HistoryTables {
		tv, err := v.table(ctx, job, table, repair, p)
		if err != nil {
			return nil, fmt.Errorf("verify %s: %w", table, err)
		}
		out.Tables = append(out.Tables, *tv)
		out.Passed = out.Passed && tablePassed(tv)
		out.Repaired += tv.RepairedCount
		out.Rows += tv.SourceRows
	}
	out.VerifiedAt = v.now()
	out.Seconds = out.VerifiedAt.Sub(start).Seconds()
	return out, nil
}

// tablePassed is the verdict on a table: every source row is in the
// target, the content checksums agree, and no key differs.
func tablePassed(tv *chatlift.TableVerification) bool {
	return tv.SourceRows == tv.TargetRows && tv.SourceChecksum == tv.TargetChecksum && tv.MismatchCount == 0
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// hashRow adds a row to a running content checksum.
func hashRow(h hash.Hash, r chatlift.RawRow) {
	h.Write([]byte(r.Key))
	h.Write([]byte{0})
	h.Write(r.Body)
	h.Write([]byte{0})
}

// note counts mismatches and lists the first MaxMismatches of them.
func note(list *[]chatlift.Mismatch, count *int, found []indexed) {
	for _, m := range found {
		*count++
		if len(*list) < chatlift.MaxMismatches {
			*list = append(*list, m.Mismatch)
		}
	}
}

func (v *Verifier) table(ctx context.Context, job chatlift.ImportJob, table string, repair bool, p *tracker) (*chatlift.TableVerification, error) {
	size := v.Range
	if size <= 0 {
		size = DefaultRange
	}
	tv := &chatlift.TableVerification{Table: table, Mismatches: []chatlift.Mismatch{}, Repaired: []chatlift.Mismatch{}}
	source, target := sha256.New(), sha256.New()
	switched := job.SwitchedAt.Unix()
	for after := ""; ; {
		src, err := readRows(ctx, v.From, table, job.AccountID, after, "", size)
		if err != nil {
			return nil, err
		}
		if len(src) == 0 {
			break
		}
		through := src[len(src)-1].Key
		r, err := v.compare(ctx, table, job.AccountID, after, through, src, switched)
		if err != nil {
			return nil, err
		}
		if repair && len(r.mismatches) > 0 {
			fix := make([]chatlift.RawRow, 0, len(r.mismatches))
			for _, i := range r.mismatches {
				fix = append(fix, src[i.index])
			}
			if err := v.To.PutRawRows(ctx, table, job.AccountID, fix); err != nil {
				return nil, fmt.Errorf("repair: %w", err)
			}
			metrics.repaired.WithLabelValues(table).Add(float64(len(fix)))
			note(&tv.Repaired, &tv.RepairedCount, r.mismatches)
			if r, err = v.compare(ctx, table, job.AccountID, after, through, src, switched); err != nil {
				return nil, err
			}
		}
		note(&tv.Mismatches, &tv.MismatchCount, r.mismatches)
		metrics.mismatches.WithLabelValues(table).Add(float64(len(r.mismatches)))
		for i, row := range src {
			if r.changed[i] {
				continue
			}
			hashRow(source, row)
			if t, ok := r.target[row.Key]; ok {
				hashRow(target, t)
			}
		}
		tv.SourceRows += int64(len(src))
		tv.TargetRows += r.present
		tv.ChangedOnPlatform += int64(len(r.changed))
		metrics.verified.WithLabelValues(table).Add(float64(len(src)))
		p.done += int64(len(src))
		p.report(chatlift.ImportVerifying)
		if len(src) < size {
			break
		}
		after = through
	}
	tv.SourceChecksum, tv.TargetChecksum = hex.EncodeToString(source.Sum(nil)), hex.EncodeToString(target.Sum(nil))
	return tv, nil
}

// rangeResult is one key range compared.
type rangeResult struct {
	target     map[string]chatlift.RawRow
	present    int64        // source keys the target has
	changed    map[int]bool // source rows the platform changed since
	mismatches []indexed
}

type indexed struct {
	chatlift.Mismatch
	index int // in the source range
}

// compare reads the target's rows in (after, through] and matches the
// source's against them by key.
func (v *Verifier) compare(ctx context.Context, table string, accountID int64, after, through string, src []chatlift.RawRow, switched int64) (*rangeResult, error) {
	r := &rangeResult{target: make(map[string]chatlift.RawRow, len(src)), changed: map[int]bool{}}
	for {
		page, err := v.To.RawRows(ctx, table, accountID, after, through, chatlift.MaxLimit)
		if err != nil {
			return nil, err
		}
		for _, t := range page {
			r.target[t.Key] = t
		}
		if len(page) < chatlift.MaxLimit {
			break
		}
		after = page[len(page)-1].Key
	}
	for i, s := range src {
		t, ok := r.target[s.Key]
		switch {
		case !ok:
			r.mismatches = append(r.mismatches, indexed{chatlift.Mismatch{Key: s.Key, Kind: chatlift.MismatchMissing}, i})
		case bytes.Equal(s.Body, t.Body) && s.UpdateS == t.UpdateS:
			r.present++
		case t.UpdateS >= switched && t.UpdateS >= s.UpdateS && switched > 0:
			r.present++
			r.changed[i] = true
		default:
			r.present++
			r.mismatches = append(r.mismatches, indexed{chatlift.Mismatch{Key: s.Key, Kind: chatlift.MismatchDifferent}, i})
		}
	}
	return r, nil
}
