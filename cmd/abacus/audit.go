package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"

	"abacus/internal/audit"
)

const auditUsage = `Usage: abacus audit [flags]

Queries the audit trail of a running abacus server. It is an ordinary
client of the server's CloudTrail LookupEvents API: requests are signed
with SigV4 and authorized like any other (the caller needs
cloudtrail:LookupEvents) and are themselves recorded in the trail.

Endpoint: --endpoint-url, else AWS_ENDPOINT_URL, else the running server's
(<data-dir>/endpoint), else http://127.0.0.1:4599.
Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and
AWS_SESSION_TOKEN), else the root keys in <data-dir>/credentials.
Region: --region, else AWS_REGION or AWS_DEFAULT_REGION, else us-east-1.

Filtering: LookupEvents accepts only one lookup attribute per request, so
the first given of --event-name, --user and --event-source is sent to the
server, and every other filter (--source-identity, --denied and the rest of
those three) is applied here to the pages that come back, newest first.
The command stops after --max matching events or after reading --scan
events, whichever comes first, so a rare match among many events may need
a larger --scan or a narrower --start/--end.

--follow prints the last --max matches oldest first, then polls every
--interval for newer events and prints the matches as they arrive, until
interrupted (Ctrl-C). Its own polls (LookupEvents calls whose user agent
says app/abacus-audit-follow) are recorded but not printed.

Output: --output table (time, user, source identity, event, decision or
error), --output jsonl (each CloudTrail record as one JSON line) or
--output records (one {"Records": [...]} document, the format of the log
files CloudTrail delivers to S3, for tools that read those).

Examples:
  abacus audit --denied --start 1h
  abacus audit --follow --denied
  abacus audit --source-identity alice --event-source sagemaker.amazonaws.com --output jsonl

Flags:
`

// auditCommand runs `abacus audit`; args excludes "audit".
func auditCommand(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runAudit(ctx, args, auditEnv{getenv: os.Getenv, now: time.Now, sleep: sleepCtx}, stdout, stderr)
}

// sleepCtx waits for d or until ctx is done, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// auditEnv is what the audit command reads from its surroundings,
// injected so tests need neither a real environment nor a real clock.
type auditEnv struct {
	getenv func(string) string
	now    func() time.Time
	// client, when set, replaces the default HTTP client (tests).
	client *http.Client
	// sleep waits between --follow polls; it returns an error when the
	// command should stop.
	sleep func(ctx context.Context, d time.Duration) error
}

type auditFlags struct {
	endpoint, region, dataDir  string
	user, sourceIdentity       string
	eventName, eventSource     string
	denied                     bool
	start, end                 string
	max, scan                  int
	output                     string
	follow                     bool
	interval                   time.Duration
	startTime, endTime         *time.Time
	serverAttr, serverAttrName string
}

func runAudit(ctx context.Context, args []string, env auditEnv, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, auditUsage)
		fs.PrintDefaults()
	}
	if env.sleep == nil {
		env.sleep = sleepCtx
	}
	if env.now == nil {
		env.now = time.Now
	}
	var f auditFlags
	fs.StringVar(&f.endpoint, "endpoint-url", "", "the server's URL (default: AWS_ENDPOINT_URL, <data-dir>/endpoint, http://127.0.0.1:4599)")
	fs.StringVar(&f.region, "region", "", "the region to sign for (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)")
	fs.StringVar(&f.dataDir, "data-dir", "./abacus-data", "the server's data dir, for its endpoint and root credentials")
	fs.StringVar(&f.user, "user", "", "only events of this caller: IAM user name, role session name, or root")
	fs.StringVar(&f.sourceIdentity, "source-identity", "", "only events of role sessions with this source identity")
	fs.StringVar(&f.eventName, "event-name", "", "only events of this operation, e.g. CreateTrainingJob")
	fs.StringVar(&f.eventSource, "event-source", "", "only events of this service, e.g. sagemaker.amazonaws.com")
	fs.BoolVar(&f.denied, "denied", false, "only denied requests (errorCode AccessDenied*, or a deny decision let through by --enforce=soft)")
	fs.StringVar(&f.start, "start", "", "only events at or after this time: RFC 3339 (2024-01-02T15:04:05Z) or a duration ago (90m, 24h)")
	fs.StringVar(&f.end, "end", "", "only events at or before this time: RFC 3339 or a duration ago")
	fs.IntVar(&f.max, "max", 50, "print at most this many events")
	fs.IntVar(&f.scan, "scan", 5000, "read at most this many events from the server while filtering")
	fs.StringVar(&f.output, "output", "table", "table, jsonl or records")
	fs.BoolVar(&f.follow, "follow", false, "after the last --max matches (oldest first), keep printing new ones until interrupted")
	fs.DurationVar(&f.interval, "interval", 2*time.Second, "how often --follow polls the server")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "abacus audit: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := f.validate(env.now()); err != nil {
		fmt.Fprintf(stderr, "abacus audit: %v\n", err)
		return 2
	}
	client, err := newCloudTrailClient(f, env)
	if err != nil {
		fmt.Fprintf(stderr, "abacus audit: %v\n", err)
		return 1
	}
	var w eventWriter
	switch f.output {
	case "jsonl":
		w = newJSONLWriter(stdout)
	case "records":
		w = &recordsWriter{w: bufio.NewWriter(stdout)}
	default:
		if f.follow {
			// Rows arrive over time, so columns cannot be sized to
			// the data: use fixed widths.
			w = &fixedTableWriter{w: bufio.NewWriter(stdout)}
		} else {
			w = newTableWriter(stdout)
		}
	}
	err = lookup(ctx, client, f, env, w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "abacus audit: %s\n", apiErrorText(err))
		return 1
	}
	return 0
}

func (f *auditFlags) validate(now time.Time) error {
	if f.output != "table" && f.output != "jsonl" && f.output != "records" {
		return fmt.Errorf("--output must be table, jsonl or records, not %q", f.output)
	}
	if f.max < 1 {
		return fmt.Errorf("--max must be at least 1")
	}
	if f.scan < 1 {
		return fmt.Errorf("--scan must be at least 1")
	}
	if f.follow && f.output == "records" {
		return fmt.Errorf("--follow writes a stream; use --output table or jsonl")
	}
	if f.follow && f.end != "" {
		return fmt.Errorf("--follow and --end exclude each other")
	}
	if f.interval <= 0 {
		return fmt.Errorf("--interval must be positive")
	}
	var err error
	if f.startTime, err = parseWhen(f.start, now); err != nil {
		return fmt.Errorf("--start: %w", err)
	}
	if f.endTime, err = parseWhen(f.end, now); err != nil {
		return fmt.Errorf("--end: %w", err)
	}
	// The one attribute the server filters on: the most selective given.
	switch {
	case f.eventName != "":
		f.serverAttrName, f.serverAttr = "EventName", f.eventName
	case f.user != "":
		f.serverAttrName, f.serverAttr = "Username", f.user
	case f.eventSource != "":
		f.serverAttrName, f.serverAttr = "EventSource", f.eventSource
	}
	return nil
}

// parseWhen reads a time flag: empty, RFC 3339, or a duration before now.
func parseWhen(s string, now time.Time) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		t := now.Add(-d)
		return &t, nil
	}
	return nil, fmt.Errorf("%q is neither an RFC 3339 time nor a duration such as 90m", s)
}

func newCloudTrailClient(f auditFlags, env auditEnv) (*cloudtrail.Client, error) {
	endpoint := f.endpoint
	if endpoint == "" {
		endpoint = env.getenv("AWS_ENDPOINT_URL")
	}
	if endpoint == "" {
		if b, err := os.ReadFile(filepath.Join(f.dataDir, "endpoint")); err == nil {
			endpoint = strings.TrimSpace(string(b))
		}
	}
	if endpoint == "" {
		endpoint = "http://127.0.0.1:4599"
	}
	region := f.region
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if region == "" {
			region = env.getenv(k)
		}
	}
	if region == "" {
		region = "us-east-1"
	}
	id, secret, token := env.getenv("AWS_ACCESS_KEY_ID"), env.getenv("AWS_SECRET_ACCESS_KEY"), env.getenv("AWS_SESSION_TOKEN")
	if id == "" || secret == "" {
		path := filepath.Join(f.dataDir, "credentials")
		var err error
		id, secret, err = readSharedCredentials(path, "default")
		if err != nil {
			return nil, fmt.Errorf("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or point --data-dir at the server's data dir (%v)", err)
		}
		token = ""
	}
	opts := cloudtrail.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
	}
	if env.client != nil {
		opts.HTTPClient = env.client
	}
	if f.follow {
		// Marks the polls in their user agent so that --follow can leave
		// its own LookupEvents calls out of what it prints.
		opts.AppID = followAppID
	}
	return cloudtrail.New(opts), nil
}

// readSharedCredentials reads one profile's keys from a file in the AWS
// shared-credentials format.
func readSharedCredentials(path, profile string) (id, secret string, err error) {
	file, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	in := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			in = strings.TrimSpace(strings.Trim(line, "[]")) == profile
		case in:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "aws_access_key_id":
				id = strings.TrimSpace(v)
			case "aws_secret_access_key":
				secret = strings.TrimSpace(v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return "", "", err
	}
	if id == "" || secret == "" {
		return "", "", fmt.Errorf("%s has no keys in profile [%s]", path, profile)
	}
	return id, secret, nil
}

// lookup pages through LookupEvents, applies the client-side filters and
// writes the matches, newest first; with --follow it then keeps polling
// and writes new matches as they arrive, oldest first.
func lookup(ctx context.Context, client *cloudtrail.Client, f auditFlags, env auditEnv, w eventWriter) error {
	in := &cloudtrail.LookupEventsInput{
		StartTime:  f.startTime,
		EndTime:    f.endTime,
		MaxResults: aws.Int32(50),
	}
	if f.serverAttrName != "" {
		in.LookupAttributes = []cttypes.LookupAttribute{{
			AttributeKey:   cttypes.LookupAttributeKey(f.serverAttrName),
			AttributeValue: aws.String(f.serverAttr),
		}}
	}
	if !f.follow {
		matched := 0
		return scanEvents(ctx, client, in, f.scan, func(e cttypes.Event, ev audit.Event) (bool, error) {
			if !f.matches(e, ev) {
				return true, nil
			}
			matched++
			return matched < f.max, w.Write(e, ev)
		})
	}

	// --follow: the last --max matches, oldest first, then new ones.
	var tail []match
	var cur cursor
	err := scanEvents(ctx, client, in, f.scan, func(e cttypes.Event, ev audit.Event) (bool, error) {
		cur.see(ev)
		if f.matches(e, ev) && !ownPoll(ev) {
			tail = append(tail, match{e, ev})
		}
		return len(tail) < f.max, nil
	})
	if ctx.Err() != nil {
		return nil // interrupted before the first poll
	}
	if err != nil {
		return err
	}
	for {
		for i := len(tail) - 1; i >= 0; i-- {
			if err := w.Write(tail[i].e, tail[i].ev); err != nil {
				return err
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if err := env.sleep(ctx, f.interval); err != nil {
			return nil // interrupted: a normal end of --follow
		}
		tail = tail[:0]
		next := cur
		if !cur.newest.IsZero() {
			in.StartTime = aws.Time(cur.newest)
		}
		in.NextToken = nil
		err := scanEvents(ctx, client, in, f.scan, func(e cttypes.Event, ev audit.Event) (bool, error) {
			if cur.seen[ev.EventID] {
				return true, nil
			}
			next.see(ev)
			if f.matches(e, ev) && !ownPoll(ev) {
				tail = append(tail, match{e, ev})
			}
			return true, nil
		})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		cur = next
	}
}

// followAppID is the SDK app ID of --follow's polls: their events carry
// "app/abacus-audit-follow" in userAgent.
const followAppID = "abacus-audit-follow"

// ownPoll reports whether ev records a poll of some `abacus audit
// --follow`, which --follow does not print.
func ownPoll(ev audit.Event) bool {
	return ev.EventName == "LookupEvents" && strings.Contains(ev.UserAgent, "app/"+followAppID)
}

type match struct {
	e  cttypes.Event
	ev audit.Event
}

// cursor remembers where --follow has read up to: the newest event time
// seen and the IDs of the events at that time, which the next poll (whose
// StartTime is inclusive) returns again.
type cursor struct {
	newest time.Time
	seen   map[string]bool
}

func (c *cursor) see(ev audit.Event) {
	switch {
	case ev.EventTime.After(c.newest):
		c.newest = ev.EventTime
		c.seen = map[string]bool{ev.EventID: true}
	case ev.EventTime.Equal(c.newest):
		if c.seen == nil {
			c.seen = map[string]bool{}
		} else {
			c.seen = maps.Clone(c.seen)
		}
		c.seen[ev.EventID] = true
	}
}

// scanEvents pages through LookupEvents, newest first, calling fn with
// each event and its parsed record until fn returns false, the pages end
// or limit events were read.
func scanEvents(ctx context.Context, client *cloudtrail.Client, in *cloudtrail.LookupEventsInput, limit int,
	fn func(cttypes.Event, audit.Event) (bool, error),
) error {
	scanned := 0
	for {
		out, err := client.LookupEvents(ctx, in)
		if err != nil {
			return err
		}
		for _, e := range out.Events {
			if scanned == limit {
				return nil
			}
			scanned++
			var ev audit.Event
			if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &ev); err != nil {
				return fmt.Errorf("event %s: CloudTrailEvent is not a CloudTrail record: %w", aws.ToString(e.EventId), err)
			}
			more, err := fn(e, ev)
			if err != nil || !more {
				return err
			}
		}
		if aws.ToString(out.NextToken) == "" || scanned == limit {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

// matches applies every filter, the one the server already applied
// included (harmless, and it keeps the result right whatever the server
// did).
func (f auditFlags) matches(e cttypes.Event, ev audit.Event) bool {
	switch {
	case f.user != "" && aws.ToString(e.Username) != f.user,
		f.eventName != "" && ev.EventName != f.eventName,
		f.eventSource != "" && ev.EventSource != f.eventSource,
		f.sourceIdentity != "" && ev.UserIdentity.SourceIdentity() != f.sourceIdentity,
		f.denied && !denied(ev):
		return false
	}
	return true
}

func denied(ev audit.Event) bool {
	return audit.IsAccessDenied(ev.ErrorCode) || (ev.Decision != nil && ev.Decision.Denied())
}

type eventWriter interface {
	Write(e cttypes.Event, ev audit.Event) error
	Flush() error
}

type jsonlWriter struct{ w *bufio.Writer }

func newJSONLWriter(w io.Writer) *jsonlWriter { return &jsonlWriter{bufio.NewWriter(w)} }

// Write prints the record as the server returned it, compacted onto one
// line.
func (j *jsonlWriter) Write(e cttypes.Event, _ audit.Event) error {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(aws.ToString(e.CloudTrailEvent))); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := buf.WriteTo(j.w)
	return err
}

func (j *jsonlWriter) Flush() error { return j.w.Flush() }

// recordsWriter writes CloudTrail's log file shape, {"Records":[...]},
// one record per line so that it stays greppable.
type recordsWriter struct {
	w *bufio.Writer
	n int
}

func (r *recordsWriter) Write(e cttypes.Event, _ audit.Event) error {
	sep := ",\n"
	if r.n == 0 {
		sep = "{\"Records\":[\n"
	}
	r.n++
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(aws.ToString(e.CloudTrailEvent))); err != nil {
		return err
	}
	if _, err := r.w.WriteString(sep); err != nil {
		return err
	}
	_, err := buf.WriteTo(r.w)
	return err
}

func (r *recordsWriter) Flush() error {
	end := "\n]}\n"
	if r.n == 0 {
		end = "{\"Records\":[]}\n"
	}
	if _, err := r.w.WriteString(end); err != nil {
		return err
	}
	return r.w.Flush()
}

type tableWriter struct {
	tw     *tabwriter.Writer
	header bool
}

func newTableWriter(w io.Writer) *tableWriter {
	return &tableWriter{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
}

func (t *tableWriter) Write(e cttypes.Event, ev audit.Event) error {
	if !t.header {
		t.header = true
		if _, err := fmt.Fprintln(t.tw, "TIME\tUSER\tSOURCE IDENTITY\tEVENT\tRESULT"); err != nil {
			return err
		}
	}
	service := strings.TrimSuffix(ev.EventSource, ".amazonaws.com")
	_, err := fmt.Fprintf(t.tw, "%s\t%s\t%s\t%s\t%s\n",
		audit.FormatTime(ev.EventTime), dash(aws.ToString(e.Username)), dash(ev.UserIdentity.SourceIdentity()),
		service+":"+ev.EventName, result(ev))
	return err
}

func (t *tableWriter) Flush() error { return t.tw.Flush() }

// fixedTableWriter is the table of --follow: fixed column widths, so rows
// printed minutes apart still line up; a longer value widens its row only.
type fixedTableWriter struct {
	w      *bufio.Writer
	header bool
}

const fixedRow = "%-20s  %-16s  %-16s  %-36s  %s\n"

func (t *fixedTableWriter) Write(e cttypes.Event, ev audit.Event) error {
	if !t.header {
		t.header = true
		if _, err := fmt.Fprintf(t.w, fixedRow, "TIME", "USER", "SOURCE IDENTITY", "EVENT", "RESULT"); err != nil {
			return err
		}
	}
	service := strings.TrimSuffix(ev.EventSource, ".amazonaws.com")
	_, err := fmt.Fprintf(t.w, fixedRow, audit.FormatTime(ev.EventTime), dash(aws.ToString(e.Username)),
		dash(ev.UserIdentity.SourceIdentity()), service+":"+ev.EventName, result(ev))
	return err
}

func (t *fixedTableWriter) Flush() error { return t.w.Flush() }

// result is the table's last column: the decision and, on failure, the
// error code ("explicitDeny AccessDenied", "allowed", "allowed NoSuchEntity").
func result(ev audit.Event) string {
	var parts []string
	if ev.Decision != nil && ev.Decision.Decision != "" {
		parts = append(parts, ev.Decision.Decision)
	}
	if ev.ErrorCode != "" {
		parts = append(parts, ev.ErrorCode)
	}
	if len(parts) == 0 {
		return "ok"
	}
	return strings.Join(parts, " ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// apiErrorText renders an error from the SDK as "Code: message" when it is
// an AWS API error.
func apiErrorText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}
