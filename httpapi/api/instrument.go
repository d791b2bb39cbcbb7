package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Instrument records the duration and status of each request of a route in
// requests (labels route and status), and logs a response that could not
// be encoded.
func Instrument(log *slog.Logger, requests *prometheus.HistogramVec, route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		if rec.encodeErr != nil {
			log.ErrorContext(r.Context(), "response not sent", "method", r.Method, "path", r.URL.Path, "error", rec.encodeErr)
		}
		requests.WithLabelValues(route, fmt.Sprint(rec.status)).Observe(time.Since(start).Seconds())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status    int
	encodeErr error
}

var _ EncodeFailer = (*statusRecorder)(nil)

func (r *statusRecorder) EncodeFailed(err error) { r.encodeErr = err }

// Unwrap lets http.ResponseController reach the connection (streams flush
// and move their write deadline through it).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}
