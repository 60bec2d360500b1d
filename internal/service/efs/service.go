package efs

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

// Store is the slice of storage EFS needs. *sqlite.Store satisfies it.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// DefaultDelay is how long creating and deleting last when Options.Delay
// is zero.
const DefaultDelay = 2 * time.Second

// Options configure a [Service]. Store is required.
type Options struct {
	Store Store
	// Now is the clock for calls without a time; nil means time.Now.
	Now func() time.Time
	// Delay is how long creating and deleting last; zero means
	// [DefaultDelay], negative means immediate.
	Delay time.Duration
	// Rand is the source of IDs for calls without a request ID; nil means
	// crypto/rand.
	Rand io.Reader
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
}

// Service implements EFS file systems. It is safe for concurrent use.
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

const resourceType = "efs:file-system"

// Life-cycle states.
const (
	StateCreating  = "creating"
	StateAvailable = "available"
	StateDeleting  = "deleting"
	stateGone      = "<gone>"
)

// FileSystemType is what [Service.FileSystem] reports for every EFS file
// system, spelled as SageMaker's FileSystemDataSource.FileSystemType.
const FileSystemType = "EFS"

// FileSystemInfo is what other services need to know about a file system.
type FileSystemInfo struct {
	ID        string
	ARN       string
	Type      string
	Region    string
	Lifecycle string
	Tags      map[string]string
}

// fsDoc is a stored file system.
type fsDoc struct {
	ID            string
	Region        string
	CreationToken string
	Since         time.Time
	Input         CreateFileSystemInput
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

// state is the file system's life-cycle state at now.
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
	return "arn:aws:elasticfilesystem:" + region + ":" + string(acct) + ":file-system/" + id
}

var idRE = regexp.MustCompile(`^fs-[0-9a-f]{8,40}$`)

// parseID accepts a file-system ID or ARN and returns the ID.
func parseID(c *op.Call, id string) (string, error) {
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		if len(parts) == 6 && parts[2] == "elasticfilesystem" && parts[4] == string(c.Account) {
			id = strings.TrimPrefix(parts[5], "file-system/")
		}
	}
	if !idRE.MatchString(id) {
		return "", newError(CodeBadRequest, "Invalid file system ID: %s", id)
	}
	return id, nil
}

// callTime is the call's time in UTC with millisecond precision.
func (s *Service) callTime(c *op.Call) time.Time { return c.Time(s.now) }

// newID returns the ID of the file system a call creates: fs- and 17 hex
// digits derived from the call's (random, unique) request ID, so that
// authorization and the handler agree on it.
func (s *Service) newID(c *op.Call) (string, error) {
	seed := c.RequestID
	if seed == "" {
		var b [16]byte
		if _, err := io.ReadFull(s.rand, b[:]); err != nil {
			return "", err
		}
		seed = hex.EncodeToString(b[:])
	}
	h := sha256.Sum256([]byte("efs\x00" + seed))
	return "fs-" + hex.EncodeToString(h[:])[:17], nil
}

// get loads a file system that exists at now.
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

// FileSystem reports a file system of acct in region: its type ("EFS"),
// ARN, life-cycle state and tags. A missing or deleted file system is an
// error matching [ErrNotFound].
func (s *Service) FileSystem(ctx context.Context, acct model.AccountID, region, id string) (FileSystemInfo, error) {
	c := &op.Call{Account: acct, Region: region}
	var out FileSystemInfo
	err := s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		fid, err := parseID(c, id)
		if err != nil {
			return notFound(id)
		}
		now := s.now().UTC()
		f, err := s.get(ctx, tx, c, fid, now)
		if err != nil {
			return err
		}
		out = FileSystemInfo{ID: fid, ARN: f.res.ARN, Type: FileSystemType, Region: region, Lifecycle: s.state(f, now), Tags: f.tags()}
		return nil
	})
	return out, err
}

// FileSystemExists reports whether acct has the EFS file system id in
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
	enc := in.Encrypted != nil && *in.Encrypted
	keys := map[string][]string{"elasticfilesystem:Encrypted": {strconv.FormatBool(enc)}}
	requestTags(keys, in.Tags)
	checks := []op.Check{{Action: "elasticfilesystem:CreateFileSystem", Resource: "*", Context: keys}}
	if len(in.Tags) > 0 {
		// "If tags are specified in the creation action, IAM performs
		// additional authorization on the elasticfilesystem:TagResource
		// action" (CreateFileSystem, EFS API reference).
		id, err := s.newID(c)
		if err != nil {
			return nil, err
		}
		tk := map[string][]string{"elasticfilesystem:CreateAction": {"CreateFileSystem"}}
		requestTags(tk, in.Tags)
		checks = append(checks, op.Check{Action: "elasticfilesystem:TagResource", Resource: fsARN(c.Region, c.Account, id), Context: tk})
	}
	return checks, nil
}

func validateTags(tags []Tag) error {
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return newError(CodeBadRequest, "Tag keys must be 1-128 and values at most 256 characters long.")
		}
		if strings.HasPrefix(t.Key, "aws:") {
			return newError(CodeBadRequest, "Tag keys can't start with aws:.")
		}
	}
	return nil
}

// CreateFileSystem creates a file system in state creating.
func (s *Service) CreateFileSystem(ctx context.Context, c *op.Call, in *CreateFileSystemInput) (*FileSystemDescription, error) {
	if in.CreationToken == "" || len(in.CreationToken) > 64 {
		return nil, newError(CodeBadRequest, "CreationToken must be 1-64 characters long.")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if pm := in.PerformanceMode; pm != nil && *pm != "generalPurpose" && *pm != "maxIO" {
		return nil, newError(CodeBadRequest, "Invalid PerformanceMode %s.", *pm)
	}
	id, err := s.newID(c)
	if err != nil {
		return nil, err
	}
	now := s.callTime(c)
	f := &fileSystem{res: model.Resource{Type: resourceType, ID: storeID(c.Region, id), ARN: fsARN(c.Region, c.Account, id),
		Status: StateCreating, CreateDate: now, UpdateDate: now},
		doc: fsDoc{ID: id, Region: c.Region, CreationToken: in.CreationToken, Since: now, Input: *in}}
	f.doc.Input.Tags = nil
	for _, t := range in.Tags {
		f.res.Tags = setTag(f.res.Tags, t.Key, t.Value)
	}
	if err := f.encode(); err != nil {
		return nil, err
	}
	err = s.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		all, err := s.list(ctx, tx, c, now)
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.doc.CreationToken == in.CreationToken {
				return &Error{Code: CodeAlreadyExists, Message: "File system '" + o.doc.ID + "' already exists with creation token '" + in.CreationToken + "'",
					FileSystemID: o.doc.ID}
			}
		}
		_, err = tx.CreateResource(ctx, c.Account, f.res)
		return err
	})
	if err != nil {
		return nil, err
	}
	d := s.describe(c, f, now)
	return &d, nil
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

// list returns the region's existing file systems ordered by ID.
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

func (s *Service) describe(c *op.Call, f *fileSystem, now time.Time) FileSystemDescription {
	in := &f.doc.Input
	pm := "generalPurpose"
	if in.PerformanceMode != nil {
		pm = *in.PerformanceMode
	}
	tm := "bursting"
	if in.ThroughputMode != nil {
		tm = *in.ThroughputMode
	}
	enc := in.Encrypted != nil && *in.Encrypted
	d := FileSystemDescription{OwnerId: string(c.Account), CreationToken: f.doc.CreationToken, FileSystemId: f.doc.ID, FileSystemArn: f.res.ARN,
		CreationTime: f.res.CreateDate, LifeCycleState: s.state(f, now), SizeInBytes: FileSystemSize{Value: 6144, ValueInStandard: new(int64(6144)), ValueInIA: new(int64(0)), ValueInArchive: new(int64(0))},
		PerformanceMode: pm, Encrypted: &enc, KmsKeyId: in.KmsKeyId, ThroughputMode: &tm, ProvisionedThroughputInMibps: in.ProvisionedThroughputInMibps,
		AvailabilityZoneName: in.AvailabilityZoneName, Tags: []Tag{},
		FileSystemProtection: &FileSystemProtectionDescription{ReplicationOverwriteProtection: new("ENABLED")}}
	if enc && d.KmsKeyId == nil {
		d.KmsKeyId = new("arn:aws:kms:" + f.doc.Region + ":" + string(c.Account) + ":alias/aws/elasticfilesystem")
	}
	for _, t := range f.res.Tags {
		d.Tags = append(d.Tags, Tag{Key: t.Key, Value: t.Value})
		if t.Key == "Name" {
			d.Name = new(t.Value)
		}
	}
	return d
}

// fsCheck is the check of action on the file system id names, with its
// tags when it exists.
func (s *Service) fsCheck(ctx context.Context, c *op.Call, id, action string, keys map[string][]string) ([]op.Check, error) {
	fid, err := parseID(c, id)
	if err != nil {
		return nil, err
	}
	ch := op.Check{Action: action, Resource: fsARN(c.Region, c.Account, fid), Context: keys}
	err = s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		f, err := s.get(ctx, tx, c, fid, s.callTime(c))
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

func (s *Service) authorizeDescribe(ctx context.Context, c *op.Call, in *DescribeFileSystemsInput) ([]op.Check, error) {
	if in.FileSystemId != nil {
		return s.fsCheck(ctx, c, *in.FileSystemId, "elasticfilesystem:DescribeFileSystems", nil)
	}
	return []op.Check{{Action: "elasticfilesystem:DescribeFileSystems", Resource: "*"}}, nil
}

// page encodes a list position as a marker.
func page(i int) *string {
	m := base64.RawURLEncoding.EncodeToString([]byte("abacus-efs:" + strconv.Itoa(i)))
	return &m
}

func parseMarker(m *string) (int, error) {
	if m == nil {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*m)
	rest, ok := strings.CutPrefix(string(b), "abacus-efs:")
	n, aerr := strconv.Atoi(rest)
	if err != nil || !ok || aerr != nil || n < 0 {
		return 0, newError(CodeBadRequest, "Invalid Marker.")
	}
	return n, nil
}

// DescribeFileSystems describes one file system (by FileSystemId or
// CreationToken) or all of the region's, 100 a page by default.
func (s *Service) DescribeFileSystems(ctx context.Context, c *op.Call, in *DescribeFileSystemsInput) (*DescribeFileSystemsOutput, error) {
	if in.FileSystemId != nil && in.CreationToken != nil {
		return nil, newError(CodeBadRequest, "You can't specify both FileSystemId and CreationToken.")
	}
	n := 100
	if in.MaxItems != nil {
		if *in.MaxItems < 1 {
			return nil, newError(CodeBadRequest, "MaxItems must be greater than 0.")
		}
		n = int(*in.MaxItems)
	}
	off, err := parseMarker(in.Marker)
	if err != nil {
		return nil, err
	}
	now := s.callTime(c)
	var all []FileSystemDescription
	err = s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if in.FileSystemId != nil {
			fid, err := parseID(c, *in.FileSystemId)
			if err != nil {
				return err
			}
			f, err := s.get(ctx, tx, c, fid, now)
			if err != nil {
				return err
			}
			all = append(all, s.describe(c, f, now))
			return nil
		}
		fss, err := s.list(ctx, tx, c, now)
		if err != nil {
			return err
		}
		for _, f := range fss {
			if in.CreationToken == nil || *in.CreationToken == f.doc.CreationToken {
				all = append(all, s.describe(c, f, now))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &DescribeFileSystemsOutput{Marker: in.Marker, FileSystems: []FileSystemDescription{}}
	off = min(off, len(all))
	end := min(off+n, len(all))
	out.FileSystems = append(out.FileSystems, all[off:end]...)
	if end < len(all) {
		out.NextMarker = page(end)
	}
	return out, nil
}

// DeleteFileSystem starts deleting an available file system.
func (s *Service) DeleteFileSystem(ctx context.Context, c *op.Call, in *DeleteFileSystemInput) (*EmptyOutput, error) {
	err := s.mutate(ctx, c, in.FileSystemId, func(f *fileSystem, now time.Time) error {
		switch st := s.state(f, now); st {
		case StateDeleting:
			return nil
		case StateAvailable:
			f.res.Status, f.doc.Since = StateDeleting, now
			return nil
		default:
			return newError(CodeInUse, "File system '%s' is %s; it can be deleted once it is available.", f.doc.ID, st)
		}
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// mutate changes one file system in a transaction.
func (s *Service) mutate(ctx context.Context, c *op.Call, id string, fn func(f *fileSystem, now time.Time) error) error {
	fid, err := parseID(c, id)
	if err != nil {
		return err
	}
	now := s.callTime(c)
	return s.store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		f, err := s.get(ctx, tx, c, fid, now)
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

// TagResource adds or replaces tags.
func (s *Service) TagResource(ctx context.Context, c *op.Call, in *TagResourceInput) (*EmptyOutput, error) {
	if err := s.addTags(ctx, c, in.ResourceId, in.Tags); err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// CreateTags is the older TagResource.
func (s *Service) CreateTags(ctx context.Context, c *op.Call, in *CreateTagsInput) (*EmptyOutput, error) {
	if err := s.addTags(ctx, c, in.FileSystemId, in.Tags); err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

func (s *Service) addTags(ctx context.Context, c *op.Call, id string, tags []Tag) error {
	if err := validateTags(tags); err != nil {
		return err
	}
	return s.mutate(ctx, c, id, func(f *fileSystem, _ time.Time) error {
		for _, t := range tags {
			f.res.Tags = setTag(f.res.Tags, t.Key, t.Value)
		}
		if len(f.res.Tags) > 50 {
			return newError(CodeBadRequest, "A file system can have at most 50 tags.")
		}
		return nil
	})
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, c *op.Call, in *UntagResourceInput) (*EmptyOutput, error) {
	err := s.mutate(ctx, c, in.ResourceId, func(f *fileSystem, _ time.Time) error {
		f.res.Tags = slices.DeleteFunc(f.res.Tags, func(t model.Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

func (s *Service) tagList(ctx context.Context, c *op.Call, id string) ([]Tag, error) {
	fid, err := parseID(c, id)
	if err != nil {
		return nil, err
	}
	out := []Tag{}
	err = s.store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		f, err := s.get(ctx, tx, c, fid, s.callTime(c))
		if err != nil {
			return err
		}
		for _, t := range f.res.Tags {
			out = append(out, Tag{Key: t.Key, Value: t.Value})
		}
		return nil
	})
	return out, err
}

// ListTagsForResource lists a file system's tags (one page).
func (s *Service) ListTagsForResource(ctx context.Context, c *op.Call, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	tags, err := s.tagList(ctx, c, in.ResourceId)
	if err != nil {
		return nil, err
	}
	return &ListTagsForResourceOutput{Tags: tags}, nil
}

// DescribeTags is the older ListTagsForResource.
func (s *Service) DescribeTags(ctx context.Context, c *op.Call, in *DescribeTagsInput) (*DescribeTagsOutput, error) {
	tags, err := s.tagList(ctx, c, in.FileSystemId)
	if err != nil {
		return nil, err
	}
	return &DescribeTagsOutput{Marker: in.Marker, Tags: tags}, nil
}
