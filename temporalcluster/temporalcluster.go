// Package temporalcluster runs the Temporal server itself (the production
// server of go.temporal.io/server, not the development server) in the
// current process, persisted in PostgreSQL through the server's postgres12
// plugin: the main store and the visibility store each in a database of
// their own.
//
// One process runs the four services (frontend, history, matching and the
// server's internal worker), each on its own port, with static membership:
// it is the engine of a deployment whose chatlift workers and API run in
// other processes and on other machines. SetupSchema creates the databases
// and applies the server's own versioned schemas, shipped in its module.
package temporalcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"

	"github.com/chatlift/chatlift/engine"
)

const (
	clusterName    = "active"
	startupTimeout = 90 * time.Second
	mainStore      = "postgres-main"
	visStore       = "postgres-visibility"
)

// Config configures the server.
type Config struct {
	// DatabaseURL is the main store's database, postgres://…. Required.
	DatabaseURL string
	// VisibilityDatabaseURL is the visibility store's database; by default
	// VisibilityURL(DatabaseURL).
	VisibilityDatabaseURL string
	// Host is the address the services bind to and advertise
	// (default 127.0.0.1).
	Host string
	// Ports are the services' gRPC ports and the frontend's HTTP port; 0
	// picks a free port.
	Ports Ports
	// HistoryShards is fixed when the database is first used and may not
	// change after (default 4).
	HistoryShards int
	// MaxConns bounds each store's connections (default 20).
	MaxConns int
	// Namespace is registered on start when missing (default "chatlift").
	Namespace string
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
}

// Ports are the services' listening ports.
type Ports struct {
	Frontend, FrontendHTTP, History, Matching, Worker int
}

func (c *Config) defaults() error {
	if c.DatabaseURL == "" {
		return errors.New("a PostgreSQL database URL for the engine is required")
	}
	if c.VisibilityDatabaseURL == "" {
		u, err := VisibilityURL(c.DatabaseURL)
		if err != nil {
			return err
		}
		c.VisibilityDatabaseURL = u
	}
	if c.Host == "" {
		c.Host = "127.0.0.1"
	}
	if c.HistoryShards == 0 {
		c.HistoryShards = 4
	}
	if c.MaxConns == 0 {
		c.MaxConns = 20
	}
	if c.Namespace == "" {
		c.Namespace = "chatlift"
	}
	c.Logger = logTo(c.Logger)
	return nil
}

// Server is a running Temporal server.
type Server struct {
	srv      temporal.Server
	addr     string
	logOff   *atomic.Bool
	stopOnce sync.Once
	stopErr  error
}

// Start starts the server as configured and returns once its frontend
// answers and the namespace is registered and usable. The schemas must be
// in place (SetupSchema).
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if err := freePorts(cfg.Host, &cfg.Ports); err != nil {
		return nil, err
	}
	conf, err := serverConfig(cfg)
	if err != nil {
		return nil, err
	}
	log := serverLogger(cfg.Logger)
	authorizer, err := authorization.GetAuthorizerFromConfig(&conf.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("engine authorizer: %w", err)
	}
	claims, err := authorization.GetClaimMapperFromConfig(&conf.Global.Authorization, log)
	if err != nil {
		return nil, fmt.Errorf("engine claim mapper: %w", err)
	}
	host := func(port int) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(cfg.Host, strconv.Itoa(port)))
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: host(cfg.Ports.Frontend),
			primitives.HistoryService:  host(cfg.Ports.History),
			primitives.MatchingService: host(cfg.Ports.Matching),
			primitives.WorkerService:   host(cfg.Ports.Worker),
		}),
		temporal.WithLogger(log),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claims }),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                 8192,
			dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("engine: start: %w", err)
	}
	s := &Server{srv: srv, addr: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Ports.Frontend)), logOff: log.off}
	if err := s.waitReady(ctx, cfg.Namespace, cfg.Logger); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// Address is the frontend's host:port, for --temporal-address.
func (s *Server) Address() string { return s.addr }

// Stop stops the server; later calls return the first's result. The
// server's logs end when Stop begins: shutting down only logs the expected
// connection errors of services going away.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		s.logOff.Store(true)
		s.stopErr = s.srv.Stop()
	})
	return s.stopErr
}

// waitReady registers the namespace and waits until the frontend serves it:
// a new namespace reaches the frontend's cache a moment after it is written.
func (s *Server) waitReady(ctx context.Context, namespace string, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	var last error
	for {
		if last = s.ready(ctx, namespace, log); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("engine at %s not ready within %s: %w", s.addr, startupTimeout, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (s *Server) ready(ctx context.Context, namespace string, log *slog.Logger) error {
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := engine.Dial(dctx, s.addr, namespace, log)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.DescribeTaskQueue(dctx, engine.TaskQueue, enums.TASK_QUEUE_TYPE_WORKFLOW)
	return err
}

// serverConfig is the server's static configuration.
func serverConfig(cfg Config) (*config.Config, error) {
	main, err := sqlConfig(cfg.DatabaseURL, cfg.MaxConns)
	if err != nil {
		return nil, err
	}
	vis, err := sqlConfig(cfg.VisibilityDatabaseURL, max(2, cfg.MaxConns/4))
	if err != nil {
		return nil, fmt.Errorf("visibility %w", err)
	}
	frontend := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Ports.Frontend))
	var c config.Config
	c.Global.Membership.MaxJoinDuration = 30 * time.Second
	c.Global.Membership.BroadcastAddress = cfg.Host
	c.Persistence.DefaultStore, c.Persistence.VisibilityStore = mainStore, visStore
	c.Persistence.NumHistoryShards = int32(cfg.HistoryShards)
	c.Persistence.DataStores = map[string]config.DataStore{mainStore: {SQL: main}, visStore: {SQL: vis}}
	c.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{clusterName: {
			Enabled:                true,
			InitialFailoverVersion: 1,
			RPCAddress:             frontend,
			HTTPAddress:            net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Ports.FrontendHTTP)),
		}},
	}
	c.DCRedirectionPolicy.Policy = "noop"
	service := func(port, httpPort int) config.Service {
		var s config.Service
		s.RPC.GRPCPort, s.RPC.HTTPPort, s.RPC.BindOnIP = port, httpPort, cfg.Host
		return s
	}
	c.Services = map[string]config.Service{
		"frontend": service(cfg.Ports.Frontend, cfg.Ports.FrontendHTTP),
		"history":  service(cfg.Ports.History, 0),
		"matching": service(cfg.Ports.Matching, 0),
		"worker":   service(cfg.Ports.Worker, 0),
	}
	c.Archival.History.State, c.Archival.Visibility.State = "disabled", "disabled"
	c.NamespaceDefaults.Archival.History.State, c.NamespaceDefaults.Archival.Visibility.State = "disabled", "disabled"
	c.PublicClient.HostPort = frontend
	return &c, nil
}

// freePorts replaces the zero ports with free ones.
func freePorts(host string, p *Ports) error {
	for _, port := range []*int{&p.Frontend, &p.FrontendHTTP, &p.History, &p.Matching, &p.Worker} {
		if *port != 0 {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return fmt.Errorf("engine: free port on %s: %w", host, err)
		}
		*port = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	return nil
}
