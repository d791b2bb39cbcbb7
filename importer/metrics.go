package importer

import "github.com/prometheus/client_golang/prometheus"

// metrics are the process's import and verification counters.
var metrics = struct {
	rows, skipped, verified, mismatches, repaired *prometheus.CounterVec
	batches                                       prometheus.Counter
}{
	rows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "chatlift_import_rows_total",
		Help: "History rows the import committed to the platform, by table."}, []string{"table"}),
	skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "chatlift_import_rows_already_present_total",
		Help: "Rows of committed batches the platform already had (a batch delivered again, or a newer row), by table."}, []string{"table"}),
	batches: prometheus.NewCounter(prometheus.CounterOpts{Name: "chatlift_import_batches_total",
		Help: "Import batches committed with their cursor."}),
	verified: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "chatlift_verify_rows_total",
		Help: "Source rows the verifier compared with the platform, by table."}, []string{"table"}),
	mismatches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "chatlift_verify_mismatches_total",
		Help: "Rows the verifier found missing or different in the platform, by table."}, []string{"table"}),
	repaired: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "chatlift_verify_repaired_rows_total",
		Help: "Rows the verifier re-copied from the legacy store, by table."}, []string{"table"}),
}

// Collectors are the import's metrics, for a Prometheus registry.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{metrics.rows, metrics.skipped, metrics.batches, metrics.verified, metrics.mismatches, metrics.repaired}
}
