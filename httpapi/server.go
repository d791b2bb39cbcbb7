package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/net/netutil"

	"github.com/chatlift/chatlift"
	"github.com/chatlift/chatlift/billing"
	"github.com/chatlift/chatlift/chathome"
	"github.com/chatlift/chatlift/conversation"
	"github.com/chatlift/chatlift/httpapi/api"
	"github.com/chatlift/chatlift/httpapi/chatapi"
	"github.com/chatlift/chatlift/httpapi/convapi"
	"github.com/chatlift/chatlift/httpapi/oauthserver"
	"github.com/chatlift/chatlift/httpapi/opsapi"
	"github.com/chatlift/chatlift/httpapi/supportapi"
)

// The platform store serves each product's API; either chat store serves
// the chat API and the OAuth server.
var (
	_ supportapi.Store  = chatlift.PlatformStore(nil)
	_ opsapi.Store      = chatlift.PlatformStore(nil)
	_ opsapi.Accounts   = chatlift.ChatStore(nil)
	_ chatapi.Store     = chatlift.ChatStore(nil)
	_ convapi.Store     = chatlift.ChatStore(nil)
	_ chatapi.Billing   = chatlift.PlatformStore(nil)
	_ oauthserver.Store = chatlift.ChatStore(nil)
	_ chathome.Imports  = chatlift.PlatformStore(nil)
	_ billing.Store     = chatlift.PlatformStore(nil)
	_ opsapi.Billing    = billing.Service{}
)

// Upgrades is what the upgrade API needs from the upgrade service.
type Upgrades = opsapi.Upgrades

// Faults arms injected faults (serve --fault-injection only).
type Faults = opsapi.Faults

// Server is chatlift's HTTP server.
type Server struct {
	// Logger receives request errors; required.
	Logger *slog.Logger
	// Ready reports whether every part of the process is ready to serve.
	Ready func(ctx context.Context) error
	// OperatorToken authorizes the operator API.
	OperatorToken string
	// Legacy is the legacy chat product's store; Platform the unified platform's.
	Legacy   chatlift.ChatStore
	Platform chatlift.PlatformStore
	// Registry collects the metrics served on /metrics.
	Registry *prometheus.Registry
	// Upgrades runs upgrades; Faults, when set, accepts injected faults.
	Upgrades Upgrades
	Faults   Faults
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AccessTokenLifetime is how long the chat API's OAuth access tokens
	// live; 0 means 2 hours.
	AccessTokenLifetime time.Duration
	// ComparePassword checks a password against its bcrypt hash; nil means
	// bcrypt.CompareHashAndPassword.
	ComparePassword func(hash, password []byte) error
	// Limits bound what clients can hold of the server; zero fields take
	// the defaults.
	Limits Limits
	// Hold bounds how long and how many chat requests of frozen accounts
	// are held until the freeze ends (docs/hold.md); zero fields take the
	// defaults.
	Hold chathome.HoldLimits
	// SupportRequestsPerMinute is how many support API requests one API
	// token may make a minute, in bursts of as many; more answer 429 with
	// Retry-After. 0 means api.DefaultSupportRequestsPerMinute.
	SupportRequestsPerMinute int
	// Console, when set, serves the operator console under /console/.
	Console http.Handler
	// Account, when set, serves the account owners' pages under /account/.
	Account http.Handler
	// Conversations runs live conversations; nil means one of its own
	// (with the process's clock). The idle sweeper shares it.
	Conversations *conversation.Service

	handlerOnce sync.Once
	handler     http.Handler
	ln          net.Listener
	srv         *http.Server
	requests    *prometheus.HistogramVec
	op          *api.Operator
	closing     chan struct{} // closed by Close: streams end
	closeOnce   sync.Once
	supportAuth *api.SupportAuth
	// hold holds the chat requests of frozen accounts, all APIs together.
	hold *chathome.Hold
}

// Open listens on addr ("host:port"; port 0 picks one) and serves in the
// background, within Limits, until Close.
func (s *Server) Open(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.Serve(ln)
	return nil
}

// Serve serves on ln in the background, within Limits, until Close, which
// closes ln.
func (s *Server) Serve(ln net.Listener) {
	s.ln = ln
	l := s.Limits.withDefaults()
	ln = netutil.LimitListener(limitPerAddress(ln, l.MaxConnectionsPerAddress), l.MaxConnections)
	s.srv = s.Limits.httpServer(s.Handler())
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http server stopped", "error", err)
		}
	}()
}

// Handler is the server's routes, instrumented; Open serves it.
func (s *Server) Handler() http.Handler {
	s.handlerOnce.Do(func() {
		s.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "chatlift_http_request_duration_seconds", Help: "HTTP requests by route and status.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 10),
		}, []string{"route", "status"})
		s.hold = &chathome.Hold{Accounts: s.Legacy, Limits: s.Hold, Logger: s.Logger}
		s.Registry.MustRegister(s.requests, s.attentionGauge())
		s.Registry.MustRegister(s.hold.Collectors()...)
		s.closing = make(chan struct{})
		s.op = &api.Operator{Token: s.OperatorToken, Logger: s.Logger}
		s.supportAuth = &api.SupportAuth{Store: s.Platform, Operator: s.op, Logger: s.Logger, Now: s.Now,
			RequestsPerMinute: s.SupportRequestsPerMinute}
		s.handler = s.limitBody(s.routes())
	})
	return s.handler
}

// URL is the server's base URL, e.g. http://127.0.0.1:8080.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops accepting requests and waits for those in flight until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	s.closeOnce.Do(func() { close(s.closing) })
	return s.srv.Shutdown(ctx)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, api.Instrument(s.Logger, s.requests, pattern, h))
	}
	handle("GET /healthz", s.healthz)
	handle("GET /{$}", s.index)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{Registry: s.Registry}))
	(&chatapi.API{Auth: chatAuth[chatapi.Store](s, s.Legacy, s.Platform), Billing: s.Platform}).Routes(handle)
	(&convapi.API{Auth: chatAuth[convapi.Store](s, s.Legacy, s.Platform), Service: s.conversations(),
		Logger: s.Logger, Now: s.Now, Closing: s.closing}).Routes(handle)
	(&supportapi.API{Auth: s.supportAuth, Store: s.Platform, Now: s.Now}).Routes(handle)
	(&opsapi.API{Logger: s.Logger, Operator: s.op, Auth: s.supportAuth, Store: s.Platform, Legacy: s.Legacy,
		Billing: billing.Service{Store: s.Platform}, Upgrades: s.Upgrades, Faults: s.Faults, Now: s.Now}).Routes(handle)
	(&oauthserver.Server{Logger: s.Logger, Auth: chatAuth[oauthserver.Store](s, s.Legacy, s.Platform), AccessTokenLifetime: s.AccessTokenLifetime,
		ComparePassword: s.ComparePassword, Now: s.Now}).Routes(handle)
	if s.Account != nil {
		mux.Handle("/account/", api.Instrument(s.Logger, s.requests, "/account/", s.Account))
	}
	if s.Console != nil {
		mux.Handle("/console/", api.Instrument(s.Logger, s.requests, "/console/", s.Console))
	}
	handle("/", func(w http.ResponseWriter, r *http.Request) {
		api.WriteError(w, r, s.Logger, chatlift.Errorf(chatlift.ENOTFOUND, "no route for %s %s", r.Method, r.URL.Path))
	})
	return supportapi.JSONSuffix(mux)
}

// chatAuth authenticates chat API callers for an API over the store
// interface S, with a chathome.Router deciding where their chat lives and
// holding the requests of frozen accounts (s.hold, shared by every API):
// legacy and platform are s.Legacy and s.Platform as S.
func chatAuth[S api.ChatCallerStore](s *Server, legacy, platform S) *api.ChatAuth[S] {
	return &api.ChatAuth[S]{Homes: &chathome.Router[S]{Legacy: legacy, Platform: platform, Imports: s.Platform, Hold: s.hold},
		Logger: s.Logger, Now: s.Now}
}

func (s *Server) conversations() *conversation.Service {
	if s.Conversations == nil {
		s.Conversations = &conversation.Service{Hub: &conversation.Hub{}, Now: s.Now}
	}
	return s.Conversations
}

// healthz answers 200 once every part is ready, 503 before.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		api.WriteJSON(w, http.StatusServiceUnavailable, api.ErrorResponse{Error: chatlift.EUNAVAILABLE, Description: err.Error()})
		return
	}
	api.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// attentionGauge counts, at each scrape, the upgrades flagged as needing an
// operator (a cutover or rollback that keeps chat frozen too long).
func (s *Server) attentionGauge() prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "chatlift_upgrades_needing_attention",
		Help: "Upgrades whose cutover or rollback has run too long, keeping chat frozen."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		list, err := s.Platform.Upgrades(ctx, chatlift.UpgradeFilter{Attention: true, Limit: chatlift.MaxLimit})
		if err != nil {
			s.Logger.Error("count upgrades needing attention", "error", err)
			return -1
		}
		return float64(len(list))
	})
}

// indexPage is what a browser finds at the root: where the faces are.
const indexPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>chatlift</title></head>
<body><main><h1>chatlift</h1>
<ul><li><a href="/console/">Operator console</a> (sign in with the operator token)</li>
<li><a href="/account/upgrade">Your account's upgrade</a> (support admins: email and password)</li></ul>
<p>The APIs are under <code>/api/v2/</code>; see the project's docs/api.md.</p></main></body></html>
`

// index answers a browser at the root with links to the consoles; API
// clients asking for JSON get the usual not-found error.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		api.WriteError(w, r, s.Logger, chatlift.Errorf(chatlift.ENOTFOUND, "no route for %s %s; the faces are at /console/ and /account/", r.Method, r.URL.Path))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, indexPage)
}
