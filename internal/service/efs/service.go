package efs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/internal/resource"
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
	env resource.Env
	fs  resource.Kind[fsDoc]
}

// New returns a Service.
func New(o Options) *Service {
	env := resource.Env{Store: o.Store, Now: o.Now, Delay: o.Delay, Rand: o.Rand, Log: o.Logger}.WithDefaults(DefaultDelay)
	return &Service{env: env, fs: resource.Kind[fsDoc]{Type: resourceType, Noun: "file system", NotFound: func(id string) error { return notFound(id) },
		Life:  &resource.Lifecycle{Creating: StateCreating, Available: StateAvailable, Deleting: StateDeleting, Delay: env.Delay},
		Since: func(d *fsDoc) *time.Time { return &d.Since }}}
}

const resourceType = "efs:file-system"

// Life-cycle states.
const (
	StateCreating  = "creating"
	StateAvailable = "available"
	StateDeleting  = "deleting"
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

// fileSystem is a loaded file system.
type fileSystem = resource.Item[fsDoc]

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

// newID returns the ID of the file system a call creates: fs- and 17 hex
// digits derived from the call's (random, unique) request ID, so that
// authorization and the handler agree on it.
func (s *Service) newID(c *op.Call) (string, error) {
	h, err := s.env.Digest(c, "efs")
	if err != nil {
		return "", err
	}
	return "fs-" + h[:17], nil
}

// FileSystem reports a file system of acct in region: its type ("EFS"),
// ARN, life-cycle state and tags. A missing or deleted file system is an
// error matching [ErrNotFound].
func (s *Service) FileSystem(ctx context.Context, acct model.AccountID, region, id string) (FileSystemInfo, error) {
	c := &op.Call{Account: acct, Region: region}
	var out FileSystemInfo
	err := s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		fid, err := parseID(c, id)
		if err != nil {
			return notFound(id)
		}
		now := s.env.Now().UTC()
		f, err := s.fs.Get(ctx, tx, c, fid, now)
		if err != nil {
			return err
		}
		out = FileSystemInfo{ID: fid, ARN: f.Res.ARN, Type: FileSystemType, Region: region, Lifecycle: s.fs.State(f, now), Tags: f.TagMap()}
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

// pair is a tag as the store keeps it (for [resource.Tags]).
func (t Tag) pair() (string, string) { return t.Key, t.Value }

// requestTags sets aws:RequestTag/* and aws:TagKeys for tags.
func requestTags(keys map[string][]string, tags []Tag) {
	resource.RequestTags(keys, resource.Tags(tags, Tag.pair))
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
	now := s.env.CallTime(c)
	f := s.fs.New(c, id, fsARN(c.Region, c.Account, id), now, fsDoc{ID: id, Region: c.Region, CreationToken: in.CreationToken, Since: now, Input: *in})
	f.Res.Status = StateCreating
	f.Doc.Input.Tags = nil
	f.Res.Tags = resource.SetTags(f.Res.Tags, resource.Tags(in.Tags, Tag.pair))
	if err := f.Encode(); err != nil {
		return nil, err
	}
	err = s.env.Store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		all, err := s.fs.List(ctx, tx, c, now)
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.Doc.CreationToken == in.CreationToken {
				return &Error{Code: CodeAlreadyExists, Message: "File system '" + o.Doc.ID + "' already exists with creation token '" + in.CreationToken + "'",
					FileSystemID: o.Doc.ID}
			}
		}
		_, err = tx.CreateResource(ctx, c.Account, f.Res)
		return err
	})
	if err != nil {
		return nil, err
	}
	d := s.describe(c, f, now)
	return &d, nil
}

func (s *Service) describe(c *op.Call, f *fileSystem, now time.Time) FileSystemDescription {
	in := &f.Doc.Input
	pm := "generalPurpose"
	if in.PerformanceMode != nil {
		pm = *in.PerformanceMode
	}
	tm := "bursting"
	if in.ThroughputMode != nil {
		tm = *in.ThroughputMode
	}
	enc := in.Encrypted != nil && *in.Encrypted
	d := FileSystemDescription{OwnerId: string(c.Account), CreationToken: f.Doc.CreationToken, FileSystemId: f.Doc.ID, FileSystemArn: f.Res.ARN,
		CreationTime: f.Res.CreateDate, LifeCycleState: s.fs.State(f, now), SizeInBytes: FileSystemSize{Value: 6144, ValueInStandard: new(int64(6144)), ValueInIA: new(int64(0)), ValueInArchive: new(int64(0))},
		PerformanceMode: pm, Encrypted: &enc, KmsKeyId: in.KmsKeyId, ThroughputMode: &tm, ProvisionedThroughputInMibps: in.ProvisionedThroughputInMibps,
		AvailabilityZoneName: in.AvailabilityZoneName, Tags: []Tag{},
		FileSystemProtection: &FileSystemProtectionDescription{ReplicationOverwriteProtection: new("ENABLED")}}
	if enc && d.KmsKeyId == nil {
		d.KmsKeyId = new("arn:aws:kms:" + f.Doc.Region + ":" + string(c.Account) + ":alias/aws/elasticfilesystem")
	}
	for _, t := range f.Res.Tags {
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
	ch, err := s.fs.Check(ctx, s.env.Store, c, fid, s.env.CallTime(c), op.Check{Action: action, Resource: fsARN(c.Region, c.Account, fid), Context: keys})
	if err != nil {
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

// markers are DescribeFileSystems' page markers.
const markers resource.Pager = "abacus-efs:"

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
	off, ok := markers.Position(in.Marker)
	if !ok {
		return nil, newError(CodeBadRequest, "Invalid Marker.")
	}
	now := s.env.CallTime(c)
	var all []FileSystemDescription
	err := s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if in.FileSystemId != nil {
			fid, err := parseID(c, *in.FileSystemId)
			if err != nil {
				return err
			}
			f, err := s.fs.Get(ctx, tx, c, fid, now)
			if err != nil {
				return err
			}
			all = append(all, s.describe(c, f, now))
			return nil
		}
		fss, err := s.fs.List(ctx, tx, c, now)
		if err != nil {
			return err
		}
		for _, f := range fss {
			if in.CreationToken == nil || *in.CreationToken == f.Doc.CreationToken {
				all = append(all, s.describe(c, f, now))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	page, next := resource.Page(markers, all, off, n)
	return &DescribeFileSystemsOutput{Marker: in.Marker, FileSystems: append([]FileSystemDescription{}, page...), NextMarker: next}, nil
}

// DeleteFileSystem starts deleting an available file system.
func (s *Service) DeleteFileSystem(ctx context.Context, c *op.Call, in *DeleteFileSystemInput) (*EmptyOutput, error) {
	err := s.mutate(ctx, c, in.FileSystemId, func(f *fileSystem, now time.Time) error {
		if st, ok := s.fs.Delete(f, now); !ok {
			return newError(CodeInUse, "File system '%s' is %s; it can be deleted once it is available.", f.Doc.ID, st)
		}
		return nil
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
	return s.fs.Update(ctx, s.env.Store, c, fid, s.env.CallTime(c), fn)
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
		f.Res.Tags = resource.SetTags(f.Res.Tags, resource.Tags(tags, Tag.pair))
		if len(f.Res.Tags) > 50 {
			return newError(CodeBadRequest, "A file system can have at most 50 tags.")
		}
		return nil
	})
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, c *op.Call, in *UntagResourceInput) (*EmptyOutput, error) {
	err := s.mutate(ctx, c, in.ResourceId, func(f *fileSystem, _ time.Time) error {
		f.Res.Tags = resource.RemoveTags(f.Res.Tags, in.TagKeys)
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
	err = s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		f, err := s.fs.Get(ctx, tx, c, fid, s.env.CallTime(c))
		if err != nil {
			return err
		}
		for _, t := range f.Res.Tags {
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
