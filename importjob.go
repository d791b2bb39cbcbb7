package chatlift

import "time"

// History tables, the tables the import copies and the verifier checks.
const (
	TableChats         = "chats"
	TableVisitors      = "visitors"
	TableAnalytics     = "analytics_events"
	TableAgentTimeline = "agent_timeline"
)

// HistoryTables lists them in the order they are imported.
var HistoryTables = []string{TableChats, TableVisitors, TableAnalytics, TableAgentTimeline}

// RawRow is a history row as stored: its key, its update time in unix
// seconds (chats only) and its JSON body, copied without decoding.
type RawRow struct {
	Key     string
	UpdateS int64
	Body    []byte
}

// ImportCursor is how far an account's import of one table has come: every
// row with a key up to AfterKey is in the target. It moves in the same
// transaction as the rows it covers.
type ImportCursor struct {
	AfterKey string `json:"after_key"`
	Done     int64  `json:"done"`
	Finished bool   `json:"finished"`
}

// ImportJob is one account's history import.
type ImportJob struct {
	UpgradeID string
	AccountID int64
	// SwitchedAt is when the platform started serving the account: chats
	// the platform changed after it are newer than the legacy copy.
	SwitchedAt time.Time
}

// Verification is the outcome of comparing an account's history in the
// legacy store and the platform, table by table and key range by key range.
type Verification struct {
	Passed     bool                `json:"passed"`
	Tables     []TableVerification `json:"tables"`
	Repaired   int                 `json:"repaired"` // rows re-copied before it passed
	Rows       int64               `json:"rows"`     // source rows compared
	Seconds    float64             `json:"seconds"`  // how long the last pass took
	VerifiedAt time.Time           `json:"verified_at"`
}

// TableVerification compares one table: counts, a checksum over every body
// in key order on each side, and the keys that differ.
type TableVerification struct {
	Table          string     `json:"table"`
	SourceRows     int64      `json:"source_rows"`
	TargetRows     int64      `json:"target_rows"` // of the keys the source has
	SourceChecksum string     `json:"source_checksum"`
	TargetChecksum string     `json:"target_checksum"`
	Mismatches     []Mismatch `json:"mismatches"` // at most MaxMismatches listed
	MismatchCount  int        `json:"mismatch_count"`
	// ChangedOnPlatform counts rows the platform changed after the switch:
	// newer than the legacy copy, so not compared and never overwritten.
	ChangedOnPlatform int64 `json:"changed_on_platform"`
	// Repaired lists keys an earlier pass found different and re-copied
	// (at most MaxMismatches); RepairedCount counts them all.
	Repaired      []Mismatch `json:"repaired"`
	RepairedCount int        `json:"repaired_count"`
}

// Mismatches counts the rows that differ, over every table.
func (v *Verification) Mismatches() int {
	n := 0
	for _, t := range v.Tables {
		n += t.MismatchCount
	}
	return n
}

// Table returns the verification of table, nil if it has none.
func (v *Verification) Table(table string) *TableVerification {
	for i := range v.Tables {
		if v.Tables[i].Table == table {
			return &v.Tables[i]
		}
	}
	return nil
}

// MaxMismatches bounds the keys listed per table.
const MaxMismatches = 100

// Mismatch kinds.
const (
	MismatchMissing   = "missing"   // in the source, not in the target
	MismatchDifferent = "different" // in both, with different content
)

// Mismatch is one key that differs.
type Mismatch struct {
	Key  string `json:"key"`
	Kind string `json:"kind"`
}
