package chatlift

// ImportSettings are the fleet-wide limits on history imports. The operator
// changes them while imports run; running imports follow within seconds.
type ImportSettings struct {
	// RowsPerSecond bounds the rows every running import copies together
	// per second; 0 means unlimited.
	RowsPerSecond int64 `json:"rows_per_second"`
	// MaxConcurrent is how many imports may run at once across the fleet.
	MaxConcurrent int `json:"max_concurrent"`
}

// DefaultImportSettings are the settings until an operator sets some:
// unlimited rate, four imports at once.
func DefaultImportSettings() ImportSettings {
	return ImportSettings{RowsPerSecond: 0, MaxConcurrent: 4}
}

// Validate returns EINVALID unless the settings can be applied.
func (s ImportSettings) Validate() error {
	switch {
	case s.RowsPerSecond < 0:
		return Errorf(EINVALID, "rows_per_second must be 0 (unlimited) or more")
	case s.MaxConcurrent < 1:
		return Errorf(EINVALID, "max_concurrent must be at least 1")
	}
	return nil
}
