package fsx

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// Store is the slice of storage FSx needs. *sqlite.Store satisfies it.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// DefaultDelay is how long CREATING and DELETING last when Options.Delay
// is zero.
const DefaultDelay = 2 * time.Second

// Options configure a [Service]. Store is required.
type Options struct {
	Store Store
	// Now is the clock for calls without a time; nil means time.Now.
	Now func() time.Time
	// Delay is how long CREATING and DELETING last; zero means
	// [DefaultDelay], negative means immediate.
	Delay time.Duration
	// Rand is the source of IDs for calls without a request ID; nil means
	// crypto/rand.
	Rand io.Reader
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
}

// Service implements FSx file systems. It is safe for concurrent use.
type Service struct {
	store Store
	now   func() time.Time
	delay time.Duration
	rand  io.Reader
	log   *slog.Logger
}

// New returns a Service.
func New(o Options) *Service {
	s := &Service{store: o.Store, now: o.Now, delay: o.Delay, rand: o.Rand, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case s.delay == 0:
		s.delay = DefaultDelay
	case s.delay < 0:
		s.delay = 0
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

const resourceType = "fsx:file-system"

// Life-cycle states.
const (
	StateCreating  = "CREATING"
	StateAvailable = "AVAILABLE"
	StateDeleting  = "DELETING"
	stateGone      = "<gone>"
)

// FileSystemInfo is what other services need to know about a file system.
// Type is FSx's FileSystemType (LUSTRE, WINDOWS, ONTAP, OPENZFS); SageMaker's
// FileSystemType FSxLustre is LUSTRE.
type FileSystemInfo struct {
	ID        string
	ARN       string
	Type      string
	Region    string
	Lifecycle string
	// MountName is a Lustre file system's mount name (the first path
	// segment of a SageMaker DirectoryPath, /MOUNTNAME/...).
	MountName string
	Tags      map[string]string
}

// fsDoc is a stored file system.
type fsDoc struct {
	ID        string
	Region    string
	Since     time.Time
	Token     string `json:",omitempty"`
	MountName string
	Input     CreateFileSystemInput
}

type fileSystem struct {
	res model.Resource
	doc fsDoc
}

func decode(r model.Resource) (*fileSystem, error) {
	f := &fileSystem{res: r}
	if err := json.Unmarshal(r.Document, &f.doc); err != nil {
		return nil, fmt.Errorf("decode file system %s: %w", r.ID, err)
	}
	return f, nil
}

func (f *fileSystem) encode() error {
	b, err := json.Marshal(f.doc)
	if err != nil {
		return err
	}
	f.res.Document = b
	return nil
}

func (f *fileSystem) tags() map[string]string {
	m := make(map[string]string, len(f.res.Tags))
	for _, t := range f.res.Tags {
		m[t.Key] = t.Value
	}
	return m
}

func (s *Service) state(f *fileSystem, now time.Time) string {
	if now.Before(f.doc.Since.Add(s.delay)) {
		return f.res.Status
	}
	switch f.res.Status {
	case StateCreating:
		return StateAvailable
	case StateDeleting:
		return stateGone
	}
	return f.res.Status
}

func storeID(region, id string) string { return region + "/" + id }

func fsARN(region string, acct model.AccountID, id string) string {
	return "arn:aws:fsx:" + region + ":" + string(acct) + ":file-system/" + id
}

var idRE = regexp.MustCompile(`^fs-[0-9a-f]{8,}$`)

// callTime is the call's time in UTC with millisecond precision.
func (s *Service) callTime(c *op.Call) time.Time { return c.Time(s.now) }

// newID returns the ID of the file system a call creates, derived from
// the call's (random, unique) request ID so that authorization and the
// handler agree on its ARN.
func (s *Service) newID(c *op.Call) (string, string, error) {
	seed := c.RequestID
	if seed == "" {
		var b [16]byte
		if _, err := io.ReadFull(s.rand, b[:]); err != nil {
			return "", "", err
		}
		seed = hex.EncodeToString(b[:])
	}
	h := sha256.Sum256([]byte("fsx\x00" + seed))
	x := hex.EncodeToString(h[:])
	return "fs-" + x[:17], x[17:25], nil
}

func (s *Service) get(ctx context.Context, tx store.ReadTx, c *op.Call, id string, now time.Time) (*fileSystem, error) {
	r, err := tx.GetResource(ctx, c.Account, resourceType, storeID(c.Region, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	f, err := decode(r)
	if err != nil {
		return nil, err
	}
	if s.state(f, now) == stateGone {
		return nil, notFound(id)
	}
	return f, nil
}

// FileSystem reports a file system of acct in region. A missing or deleted
// file system is an error matching [ErrNotFound].
func (s *Service) FileSystem(ctx context.Context, acct model.AccountID, region, id string) (FileSystemInfo, error) {
	c := &op.Call{Account: acct, Region: region}
	var out FileSystemInfo
	err := s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		now := s.now().UTC()
		f, err := s.get(ctx, tx, c, id, now)
		if err != nil {
			return err
		}
		out = FileSystemInfo{ID: id, ARN: f.res.ARN, Type: f.doc.Input.FileSystemType, Region: region,
			Lifecycle: s.state(f, now), MountName: f.doc.MountName, Tags: f.tags()}
		return nil
	})
	return out, err
}

// FileSystemExists reports whether acct has the FSx file system id in
// region (in any life-cycle state but gone). It satisfies SageMaker's
// FileSystemLookup, so the wiring can hand the service to it directly.
func (s *Service) FileSystemExists(ctx context.Context, acct model.AccountID, region, id string) (bool, error) {
	_, err := s.FileSystem(ctx, acct, region, id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func requestTags(keys map[string][]string, tags []Tag) {
	if len(tags) == 0 {
		return
	}
	var tk []string
	for _, t := range tags {
		tk = append(tk, t.Key)
		keys["aws:RequestTag/"+t.Key] = []string{t.Value}
	}
	keys["aws:TagKeys"] = tk
}

func (s *Service) authorizeCreate(_ context.Context, c *op.Call, in *CreateFileSystemInput) ([]op.Check, error) {
	id, _, err := s.newID(c)
	if err != nil {
		return nil, err
	}
	keys := map[string][]string{}
	requestTags(keys, in.Tags)
	return []op.Check{{Action: "fsx:CreateFileSystem", Resource: fsARN(c.Region, c.Account, id), Context: keys}}, nil
}

var fileSystemTypes = []string{"WINDOWS", "LUSTRE", "ONTAP", "OPENZFS"}

// CreateFileSystem creates a file system in state CREATING. A repeated
// ClientRequestToken returns the file system it created.
func (s *Service) CreateFileSystem(ctx context.Context, c *op.Call, in *CreateFileSystemInput) (*CreateFileSystemOutput, error) {
	if !slices.Contains(fileSystemTypes, in.FileSystemType) {
		return nil, newError(CodeBadRequest, "Invalid FileSystemType %s.", in.FileSystemType)
	}
	if len(in.SubnetIds) == 0 {
		return nil, newError(CodeBadRequest, "At least one subnet ID is required.")
	}
	if in.FileSystemType == "LUSTRE" && (in.StorageCapacity == nil || *in.StorageCapacity < 1200) {
		return nil, &Error{Code: CodeIncompatible, Parameter: "StorageCapacity",
			Message: "StorageCapacity must be at least 1200 GiB for a Lustre file system."}
	}
	for _, t := range in.Tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, newError(CodeBadRequest, "Tag keys must be 1-128 and values at most 256 characters long.")
		}
	}
	id, mount, err := s.newID(c)
	if err != nil {
		return nil, err
	}
	now := s.callTime(c)
	f := &fileSystem{res: model.Resource{Type: resourceType, ID: storeID(c.Region, id), ARN: fsARN(c.Region, c.Account, id),
		Status: StateCreating, CreateDate: now, UpdateDate: now},
		doc: fsDoc{ID: id, Region: c.Region, Since: now, Input: *in, MountName: mount}}
	if in.ClientRequestToken != nil {
		f.doc.Token = *in.ClientRequestToken
	}
	f.doc.Input.Tags = nil
	for _, t := range in.Tags {
		f.res.Tags = setTag(f.res.Tags, t.Key, t.Value)
	}
	if err := f.encode(); err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		if f.doc.Token != "" {
			all, err := s.list(ctx, tx, c, now)
			if err != nil {
				return err
			}
			for _, o := range all {
				if o.doc.Token == f.doc.Token {
					f = o
					return nil
				}
			}
		}
		_, err := tx.CreateResource(ctx, c.Account, f.res)
		return err
	})
	if err != nil {
		return nil, err
	}
	d := s.describe(c, f, now)
	return &CreateFileSystemOutput{FileSystem: &d}, nil
}

func setTag(tags []model.Tag, k, v string) []model.Tag {
	for i := range tags {
		if tags[i].Key == k {
			tags[i].Value = v
			return tags
		}
	}
	return append(tags, model.Tag{Key: k, Value: v})
}

func (s *Service) list(ctx context.Context, tx store.ReadTx, c *op.Call, now time.Time) ([]*fileSystem, error) {
	var out []*fileSystem
	opts := store.ResourceListOptions{Prefix: c.Region + "/", MaxItems: store.MaxMaxItems}
	for {
		page, err := tx.ListResources(ctx, c.Account, resourceType, opts)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			f, err := decode(r)
			if err != nil {
				return nil, err
			}
			if s.state(f, now) != stateGone {
				out = append(out, f)
			}
		}
		if !page.IsTruncated {
			return out, nil
		}
		opts.Marker = page.Marker
	}
}

func (s *Service) describe(c *op.Call, f *fileSystem, now time.Time) FileSystem {
	in := &f.doc.Input
	d := FileSystem{OwnerId: new(string(c.Account)), CreationTime: new(f.res.CreateDate), FileSystemId: new(f.doc.ID),
		FileSystemType: new(in.FileSystemType), Lifecycle: new(s.state(f, now)), StorageCapacity: in.StorageCapacity,
		StorageType: in.StorageType, VpcId: new("vpc-" + f.doc.MountName), SubnetIds: in.SubnetIds, NetworkInterfaceIds: []string{"eni-" + f.doc.MountName},
		DNSName: new(f.doc.ID + ".fsx." + f.doc.Region + ".amazonaws.com"), KmsKeyId: in.KmsKeyId, ResourceARN: new(f.res.ARN),
		FileSystemTypeVersion: in.FileSystemTypeVersion, NetworkType: in.NetworkType, Tags: []Tag{}}
	if d.StorageType == nil {
		d.StorageType = new("SSD")
	}
	if in.FileSystemType == "LUSTRE" {
		l := &LustreFileSystemConfiguration{MountName: new(f.doc.MountName), DeploymentType: new("SCRATCH_1")}
		if lc := in.LustreConfiguration; lc != nil {
			if lc.DeploymentType != nil {
				l.DeploymentType = lc.DeploymentType
			}
			l.WeeklyMaintenanceStartTime, l.PerUnitStorageThroughput = lc.WeeklyMaintenanceStartTime, lc.PerUnitStorageThroughput
			l.DailyAutomaticBackupStartTime, l.AutomaticBackupRetentionDays = lc.DailyAutomaticBackupStartTime, lc.AutomaticBackupRetentionDays
			l.CopyTagsToBackups, l.DriveCacheType, l.DataCompressionType = lc.CopyTagsToBackups, lc.DriveCacheType, lc.DataCompressionType
			l.EfaEnabled, l.ThroughputCapacity = lc.EfaEnabled, lc.ThroughputCapacity
		}
		d.LustreConfiguration = l
	}
	for _, t := range f.res.Tags {
		d.Tags = append(d.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return d
}

// fsCheck is the check of action on the file system id, with its tags when
// it exists.
func (s *Service) fsCheck(ctx context.Context, c *op.Call, id, action string, keys map[string][]string) ([]op.Check, error) {
	ch := op.Check{Action: action, Resource: fsARN(c.Region, c.Account, id), Context: keys}
	err := s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		f, err := s.get(ctx, tx, c, id, s.callTime(c))
		if err != nil {
			return err
		}
		ch.ResourceTags = f.tags()
		return nil
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return []op.Check{ch}, nil
}

// arnID returns the file-system ID of an FSx file-system ARN of the
// caller's account and region.
func arnID(c *op.Call, arn string) (string, error) {
	prefix := "arn:aws:fsx:" + c.Region + ":" + string(c.Account) + ":file-system/"
	id, ok := strings.CutPrefix(arn, prefix)
	if !ok || !idRE.MatchString(id) {
		if strings.HasPrefix(arn, "arn:aws:fsx:") {
			return "", &Error{Code: CodeResourceNotFound, Message: "The resource ARN does not exist.", ResourceARN: arn}
		}
		return "", &Error{Code: CodeNotService, Message: "The resource ARN is not an Amazon FSx resource.", ResourceARN: arn}
	}
	return id, nil
}

func (s *Service) arnCheck(ctx context.Context, c *op.Call, arn, action string, keys map[string][]string) ([]op.Check, error) {
	id, err := arnID(c, arn)
	if err != nil {
		return []op.Check{{Action: action, Resource: arn, Context: keys}}, nil
	}
	return s.fsCheck(ctx, c, id, action, keys)
}

func token(i int) *string {
	m := base64.RawURLEncoding.EncodeToString([]byte("abacus-fsx:" + strconv.Itoa(i)))
	return &m
}

func parseToken(m *string) (int, error) {
	if m == nil {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*m)
	rest, ok := strings.CutPrefix(string(b), "abacus-fsx:")
	n, aerr := strconv.Atoi(rest)
	if err != nil || !ok || aerr != nil || n < 0 {
		return 0, newError(CodeBadRequest, "Invalid NextToken.")
	}
	return n, nil
}

// DescribeFileSystems describes the named file systems, or all of the
// region's (MaxResults 1-2147483647, 2147483647 by default).
func (s *Service) DescribeFileSystems(ctx context.Context, c *op.Call, in *DescribeFileSystemsInput) (*DescribeFileSystemsOutput, error) {
	n := 1 << 30
	if in.MaxResults != nil {
		if *in.MaxResults < 1 {
			return nil, newError(CodeBadRequest, "MaxResults must be at least 1.")
		}
		n = int(*in.MaxResults)
	}
	off, err := parseToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	now := s.callTime(c)
	var all []FileSystem
	err = s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if len(in.FileSystemIds) > 0 {
			for _, id := range in.FileSystemIds {
				f, err := s.get(ctx, tx, c, id, now)
				if err != nil {
					return err
				}
				all = append(all, s.describe(c, f, now))
			}
			return nil
		}
		fss, err := s.list(ctx, tx, c, now)
		for _, f := range fss {
			all = append(all, s.describe(c, f, now))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &DescribeFileSystemsOutput{FileSystems: []FileSystem{}}
	off = min(off, len(all))
	end := min(off+n, len(all))
	out.FileSystems = append(out.FileSystems, all[off:end]...)
	if end < len(all) {
		out.NextToken = token(end)
	}
	return out, nil
}

// mutate changes one file system in a transaction.
func (s *Service) mutate(ctx context.Context, c *op.Call, id string, fn func(f *fileSystem, now time.Time) error) error {
	now := s.callTime(c)
	return s.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		f, err := s.get(ctx, tx, c, id, now)
		if err != nil {
			return err
		}
		if err := fn(f, now); err != nil {
			return err
		}
		f.res.UpdateDate = now
		if err := f.encode(); err != nil {
			return err
		}
		_, err = tx.UpdateResource(ctx, c.Account, f.res)
		return err
	})
}

// DeleteFileSystem starts deleting an available file system.
func (s *Service) DeleteFileSystem(ctx context.Context, c *op.Call, in *DeleteFileSystemInput) (*DeleteFileSystemOutput, error) {
	err := s.mutate(ctx, c, in.FileSystemId, func(f *fileSystem, now time.Time) error {
		switch st := s.state(f, now); st {
		case StateDeleting:
			return nil
		case StateAvailable:
			f.res.Status, f.doc.Since = StateDeleting, now
			return nil
		default:
			return newError(CodeBadRequest, "Unable to delete file system %s because it is in the %s state.", f.doc.ID, st)
		}
	})
	if err != nil {
		return nil, err
	}
	return &DeleteFileSystemOutput{FileSystemId: &in.FileSystemId, Lifecycle: new(StateDeleting)}, nil
}

// TagResource adds or replaces tags.
func (s *Service) TagResource(ctx context.Context, c *op.Call, in *TagResourceInput) (*EmptyOutput, error) {
	id, err := arnID(c, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	err = s.mutate(ctx, c, id, func(f *fileSystem, _ time.Time) error {
		for _, t := range in.Tags {
			f.res.Tags = setTag(f.res.Tags, t.Key, t.Value)
		}
		if len(f.res.Tags) > 50 {
			return newError(CodeBadRequest, "A resource can have at most 50 tags.")
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil, &Error{Code: CodeResourceNotFound, Message: "The resource ARN does not exist.", ResourceARN: in.ResourceARN}
	}
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, c *op.Call, in *UntagResourceInput) (*EmptyOutput, error) {
	id, err := arnID(c, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	err = s.mutate(ctx, c, id, func(f *fileSystem, _ time.Time) error {
		f.res.Tags = slices.DeleteFunc(f.res.Tags, func(t model.Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil, &Error{Code: CodeResourceNotFound, Message: "The resource ARN does not exist.", ResourceARN: in.ResourceARN}
	}
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// ListTagsForResource lists a file system's tags (one page).
func (s *Service) ListTagsForResource(ctx context.Context, c *op.Call, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	id, err := arnID(c, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	out := &ListTagsForResourceOutput{Tags: []Tag{}}
	err = s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		f, err := s.get(ctx, tx, c, id, s.callTime(c))
		if err != nil {
			return err
		}
		for _, t := range f.res.Tags {
			out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil, &Error{Code: CodeResourceNotFound, Message: "The resource ARN does not exist.", ResourceARN: in.ResourceARN}
	}
	return out, err
}
