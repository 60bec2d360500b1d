package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/audit"
	"abacus/internal/blob"
	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/policy"
	"abacus/internal/principal"
	"abacus/internal/secretbox"
	"abacus/internal/server"
	"abacus/internal/service/cloudtrail"
	"abacus/internal/service/efs"
	"abacus/internal/service/emr"
	"abacus/internal/service/fsx"
	"abacus/internal/service/iam"
	"abacus/internal/service/s3"
	"abacus/internal/service/sagemaker"
	"abacus/internal/service/secretsmanager"
	"abacus/internal/service/sts"
	"abacus/internal/store"
	"abacus/internal/store/sqlite"
)

// config is the serve command's configuration.
type config struct {
	Addr       string
	DataDir    string
	InMemory   bool
	AccountID  string
	Enforce    string
	LogFormat  string
	LogLevel   string
	RootKeyID  string
	RootSecret string
	// SageMakerDelay is how long SageMaker's transitional statuses last.
	SageMakerDelay time.Duration
	// ProvisionDelay is how long EMR cluster and step states and EFS and
	// FSx file-system states last.
	ProvisionDelay time.Duration
}

const serveUsage = `Usage: abacus serve [flags]

Runs abacus: IAM, STS, CloudTrail and the other services on one port, for the
AWS CLI, SDKs and Terraform. Every request is authenticated with SigV4 and
authorized by the IAM engine; every request is one CloudTrail-format audit
event.

Root credentials come from ABACUS_ROOT_ACCESS_KEY_ID and
ABACUS_ROOT_SECRET_ACCESS_KEY when both are set; otherwise they are generated
on first start and written to <data-dir>/credentials (profile default).
"abacus env" prints the shell exports for a data dir.

Flags:
`

func serveCommand(args []string, stdout, stderr io.Writer) int {
	cfg := config{RootKeyID: os.Getenv("ABACUS_ROOT_ACCESS_KEY_ID"), RootSecret: os.Getenv("ABACUS_ROOT_SECRET_ACCESS_KEY")}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:4599", "address to listen on (loopback by default)")
	fs.StringVar(&cfg.DataDir, "data-dir", "./abacus-data", "directory of the embedded database, credentials and lock")
	fs.BoolVar(&cfg.InMemory, "in-memory", false, "keep nothing: run on a temporary store deleted at exit")
	fs.StringVar(&cfg.AccountID, "account-id", "123456789012", "the 12-digit AWS account ID served")
	fs.StringVar(&cfg.Enforce, "enforce", "on", "on: deny what IAM denies; soft: log and audit would-be denials but allow them")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&cfg.SageMakerDelay, "sagemaker-delay", sagemaker.DefaultDelay, "how long SageMaker's transitional statuses (Pending, Stopping, Deleting, ...) last; negative: immediate")
	fs.DurationVar(&cfg.ProvisionDelay, "provision-delay", emr.DefaultDelay, "how long EMR cluster and step states (STARTING, BOOTSTRAPPING, a step's RUNNING, TERMINATING) and EFS/FSx file-system states (creating, deleting) last; negative: immediate")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "abacus serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	log, err := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	if err != nil {
		fmt.Fprintf(stderr, "abacus serve: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// The first signal starts the drain; restoring the default
		// handling lets a second one end the process at once. Nothing
		// acknowledged is lost: every acknowledged write is on disk.
		<-ctx.Done()
		stop()
	}()
	if err := serve(ctx, cfg, log, nil); err != nil {
		fmt.Fprintf(stderr, "abacus serve: %v\n", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("bad --log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("bad --log-format %q: use text or json", format)
}

// app is a wired abacus: the store, the services and the HTTP handler.
type app struct {
	handler  *server.Server
	store    *sqlite.Store
	resolver *principal.Resolver
	broker   *audit.Broker
	root     server.RootCredentials
	registry *op.Registry
	// sagemaker is kept for its periodic purge of presigned URLs.
	sagemaker *sagemaker.Service
}

// close releases the app's resources in dependency order.
func (a *app) close() error {
	errs := []error{a.broker.Close()}
	a.resolver.Close()
	errs = append(errs, a.store.Close())
	return errors.Join(errs...)
}

// validateConfig checks the flags that newApp cannot check by use.
func validateConfig(cfg config) (server.Enforcement, error) {
	if len(cfg.AccountID) != 12 || strings.Trim(cfg.AccountID, "0123456789") != "" {
		return 0, fmt.Errorf("--account-id %q must be 12 digits", cfg.AccountID)
	}
	switch cfg.Enforce {
	case "on":
		return server.EnforceOn, nil
	case "soft":
		return server.EnforceSoft, nil
	}
	return 0, fmt.Errorf("--enforce %q: use on or soft", cfg.Enforce)
}

// newApp opens the store and wires every service.
func newApp(ctx context.Context, cfg config, log *slog.Logger) (*app, error) {
	enforce, err := validateConfig(cfg)
	if err != nil {
		return nil, err
	}
	acct := model.AccountID(cfg.AccountID)
	dir := cfg.DataDir
	if cfg.InMemory {
		dir = ""
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	st, err := sqlite.Open(ctx, sqlite.Options{Dir: dir, InMemory: cfg.InMemory, Logger: log})
	if err != nil {
		return nil, err
	}
	root, created, err := server.LoadOrCreateRootCredentials(dir, cfg.RootKeyID, cfg.RootSecret)
	if err != nil {
		st.Close()
		return nil, err
	}
	if created && dir != "" {
		log.Info("generated root credentials", slog.String("access_key_id", root.AccessKeyID),
			slog.String("file", filepath.Join(dir, server.CredentialsFile)))
	} else if created {
		log.Info("generated root credentials for this in-memory run",
			slog.String("access_key_id", root.AccessKeyID), slog.String("secret_access_key", root.SecretAccessKey))
	}
	resolver := principal.New(principal.Options{
		Store:  st,
		Roots:  []principal.RootKey{{Account: acct, AccessKeyID: root.AccessKeyID, Secret: model.Secret(root.SecretAccessKey)}},
		Logger: log,
	})
	broker := audit.NewBroker(st, audit.BrokerOptions{Logger: log})

	reg := &op.Registry{}
	iamSvc := iam.New(st, iam.Options{Logger: log})
	if err := iamSvc.SeedManagedPolicies(ctx); err != nil {
		resolver.Close()
		st.Close()
		return nil, fmt.Errorf("seed AWS managed policies: %w", err)
	}
	iam.Register(reg, iamSvc)
	stsSvc := sts.New(sts.Options{
		Store:          st,
		Logger:         log,
		ValidatePolicy: validateSessionPolicy,
		Trust:          sts.ServiceTrustFunc(serviceTrust),
	})
	sts.Register(reg, stsSvc)
	cloudtrail.Register(reg, cloudtrail.New(st))
	smSvc := sagemaker.New(sagemaker.Options{Store: st, Logger: log, Delay: cfg.SageMakerDelay, Roles: studioRoles{stsSvc}})
	sagemaker.Register(reg, smSvc)

	box, err := secretbox.LoadOrCreate(dir, nil)
	if err != nil {
		resolver.Close()
		st.Close()
		return nil, err
	}
	secretsmanager.Register(reg, secretsmanager.New(secretsmanager.Options{Store: st, Box: box, Logger: log, ValidatePolicy: validateResourcePolicy}))
	emr.Register(reg, emr.New(emr.Options{Store: st, Logger: log, Delay: cfg.ProvisionDelay}))
	efsSvc := efs.New(efs.Options{Store: st, Logger: log, Delay: cfg.ProvisionDelay})
	efs.Register(reg, efsSvc)
	fsxSvc := fsx.New(fsx.Options{Store: st, Logger: log, Delay: cfg.ProvisionDelay})
	fsx.Register(reg, fsxSvc)
	sagemaker.RegisterJobs(reg, sagemaker.NewJobs(smSvc, trainingFileSystems(efsSvc, fsxSvc)))
	blobs, err := blob.Open(filepath.Join(st.Dir(), "objects"), blob.Options{})
	if err != nil {
		resolver.Close()
		st.Close()
		return nil, fmt.Errorf("object store: %w", err)
	}
	s3Svc := s3.New(s3.Options{Store: st, Blobs: blobs, Logger: log, ValidatePolicy: validateResourcePolicy})
	if n, err := s3Svc.Sweep(ctx, acct); err != nil {
		log.Warn("sweep unreferenced object files", slog.Any("error", err))
	} else if n > 0 {
		log.Info("removed object files no object refers to (left by an interrupted run)", slog.Int("files", n))
	}
	s3.Register(reg, s3Svc)

	h := server.New(server.Options{
		Account:     acct,
		Enforce:     enforce,
		Logger:      log,
		Registry:    reg,
		Credentials: resolver,
		Policies:    resolver,
		Audit:       broker,
		Mappers:     []apierr.Mapper{iam.MapError, sts.Mapper, sagemaker.MapError, secretsmanager.MapError, emr.MapError, s3.MapError, efs.MapError, fsx.MapError},
		Landing:     smSvc,
	})
	return &app{handler: h, store: st, resolver: resolver, broker: broker, root: root, registry: reg, sagemaker: smSvc}, nil
}

// validateSessionPolicy checks an AssumeRole session policy with the engine.
func validateSessionPolicy(doc string) error {
	_, err := policy.CompileJSON([]byte(doc), policy.Options{Kind: policy.KindSession})
	return err
}

// validateResourcePolicy checks a resource-based policy (a secret's) with
// the engine.
func validateResourcePolicy(doc string) error {
	_, err := policy.CompileJSON([]byte(doc), policy.Options{Kind: policy.KindResource})
	return err
}

// serviceTrust decides whether a role's trust policy lets an AWS service
// principal perform action on the role.
func serviceTrust(_ context.Context, trustPolicy, service, action, roleARN string, keys map[string][]string) (bool, error) {
	p, err := policy.CompileJSON([]byte(trustPolicy), policy.Options{Name: roleARN, Kind: policy.KindTrust})
	if err != nil {
		return false, err
	}
	req := &policy.Request{
		Principal: policy.Caller{ARN: service, Type: policy.PrincipalService, Service: service},
		Action:    action,
		Resource:  roleARN,
		Time:      time.Now(),
	}
	for k, v := range keys {
		req.Context.SetMulti(k, v...)
		if len(v) == 1 {
			req.Context.Set(k, v[0])
		}
	}
	d, _ := policy.NewSet(p).Evaluate(req, nil)
	return d == policy.Allowed, nil
}

// studioRoles mints SageMaker Studio sessions with STS's
// AssumeRoleAsService for the SageMaker service principal.
type studioRoles struct {
	sts *sts.Service
}

// AssumeRoleAsService implements sagemaker.RoleAssumer.
func (r studioRoles) AssumeRoleAsService(ctx context.Context, req sagemaker.RoleSessionRequest) (sagemaker.RoleCredentials, error) {
	out, err := r.sts.AssumeRoleAsService(ctx, sts.ServiceSession{Service: sagemaker.ServicePrincipal, RoleARN: req.RoleARN,
		SessionName: req.SessionName, SourceIdentity: req.SourceIdentity, ContextKeys: req.ContextKeys, Duration: req.Duration, Region: req.Region})
	if err != nil {
		return sagemaker.RoleCredentials{}, err
	}
	c := out.Credentials
	return sagemaker.RoleCredentials{AccessKeyID: c.AccessKeyId, SecretAccessKey: string(c.SecretAccessKey),
		SessionToken: string(c.SessionToken), Expiration: c.Expiration, AssumedRoleARN: out.AssumedRoleUser.Arn}, nil
}

// purgeLandings deletes expired SageMaker presigned URLs and landing
// sessions every interval until ctx is done.
func purgeLandings(ctx context.Context, sm *sagemaker.Service, acct model.AccountID, interval time.Duration, log *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if n, err := sm.PurgeLandings(ctx, acct, time.Now()); err != nil && ctx.Err() == nil {
			log.Warn("purge SageMaker presigned URLs", slog.Any("error", err))
		} else if n > 0 {
			log.Debug("purged SageMaker presigned URLs and sessions", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// withEndpoint tells the services the base URL each request reached, from
// which SageMaker builds its presigned URLs.
func withEndpoint(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		h.ServeHTTP(w, r.WithContext(sagemaker.WithEndpoint(r.Context(), scheme+"://"+r.Host)))
	})
}

// serve runs abacus until ctx is done, then drains in-flight requests and
// closes the store. ready, when non-nil, receives the bound address.
func serve(ctx context.Context, cfg config, log *slog.Logger, ready chan<- string) error {
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := a.close(); err != nil {
			log.Error("close", slog.Any("error", err))
		}
	}()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           withEndpoint(a.handler),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	purgeCtx, stopPurge := context.WithCancel(context.Background())
	defer stopPurge()
	go store.PurgeSessions(purgeCtx, a.store, 10*time.Minute, time.Now, log)
	go purgeLandings(purgeCtx, a.sagemaker, model.AccountID(cfg.AccountID), 10*time.Minute, log)
	addr := ln.Addr().String()
	if !cfg.InMemory {
		if err := os.WriteFile(filepath.Join(cfg.DataDir, endpointFile), []byte("http://"+addr+"\n"), 0o600); err != nil {
			log.Warn("write endpoint file", slog.Any("error", err))
		}
	}
	log.Info("abacus is serving", slog.String("endpoint", "http://"+addr), slog.String("account_id", cfg.AccountID),
		slog.String("enforce", cfg.Enforce), slog.Bool("in_memory", cfg.InMemory))
	if ready != nil {
		ready <- addr
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests (signal again to stop at once)")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	if !cfg.InMemory {
		os.Remove(filepath.Join(cfg.DataDir, endpointFile))
	}
	return nil
}

// endpointFile holds the URL of the server running on a data dir, for
// "abacus env".
const endpointFile = "endpoint"

// trainingFileSystems lets CreateTrainingJob check that the EFS and FSx for
// Lustre file systems its channels name exist (FSx's LUSTRE is SageMaker's
// FSxLustre).
func trainingFileSystems(e *efs.Service, f *fsx.Service) sagemaker.JobOptions {
	return sagemaker.JobOptions{
		EFS: sagemaker.FileSystemLookupFunc(func(ctx context.Context, acct model.AccountID, region, id string) (bool, error) {
			_, err := e.FileSystem(ctx, acct, region, id)
			if errors.Is(err, efs.ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		}),
		FSx: sagemaker.FileSystemLookupFunc(func(ctx context.Context, acct model.AccountID, region, id string) (bool, error) {
			fs, err := f.FileSystem(ctx, acct, region, id)
			if errors.Is(err, fsx.ErrNotFound) {
				return false, nil
			}
			return err == nil && fs.Type == "LUSTRE", err
		}),
	}
}
