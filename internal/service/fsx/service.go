package fsx

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/service/internal/resource"
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

const resourceType = "fsx:file-system"

// Life-cycle states.
const (
	StateCreating  = "CREATING"
	StateAvailable = "AVAILABLE"
	StateDeleting  = "DELETING"
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

// fileSystem is a loaded file system.
type fileSystem = resource.Item[fsDoc]

func fsARN(region string, acct model.AccountID, id string) string {
	return "arn:aws:fsx:" + region + ":" + string(acct) + ":file-system/" + id
}

var idRE = regexp.MustCompile(`^fs-[0-9a-f]{8,}$`)

// newID returns the ID of the file system a call creates, and its mount
// name, derived from the call's (random, unique) request ID so that
// authorization and the handler agree on its ARN.
func (s *Service) newID(c *op.Call) (string, string, error) {
	x, err := s.env.Digest(c, "fsx")
	if err != nil {
		return "", "", err
	}
	return "fs-" + x[:17], x[17:25], nil
}

// FileSystem reports a file system of acct in region. A missing or deleted
// file system is an error matching [ErrNotFound].
func (s *Service) FileSystem(ctx context.Context, acct model.AccountID, region, id string) (FileSystemInfo, error) {
	c := &op.Call{Account: acct, Region: region}
	var out FileSystemInfo
	err := s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		now := s.env.Now().UTC()
		f, err := s.fs.Get(ctx, tx, c, id, now)
		if err != nil {
			return err
		}
		out = FileSystemInfo{ID: id, ARN: f.Res.ARN, Type: f.Doc.Input.FileSystemType, Region: region,
			Lifecycle: s.fs.State(f, now), MountName: f.Doc.MountName, Tags: f.TagMap()}
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

// pair is a tag as the store keeps it (for [resource.Tags]).
func (t Tag) pair() (string, string) { return t.Key, t.Value }

// requestTags sets aws:RequestTag/* and aws:TagKeys for tags.
func requestTags(keys map[string][]string, tags []Tag) {
	resource.RequestTags(keys, resource.Tags(tags, Tag.pair))
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
	now := s.env.CallTime(c)
	f := s.fs.New(c, id, fsARN(c.Region, c.Account, id), now, fsDoc{ID: id, Region: c.Region, Since: now, Input: *in, MountName: mount})
	f.Res.Status = StateCreating
	if in.ClientRequestToken != nil {
		f.Doc.Token = *in.ClientRequestToken
	}
	f.Doc.Input.Tags = nil
	f.Res.Tags = resource.SetTags(f.Res.Tags, resource.Tags(in.Tags, Tag.pair))
	if err := f.Encode(); err != nil {
		return nil, err
	}
	err = s.env.Store.Update(ctx, func(ctx context.Context, tx store.Tx) error {
		if f.Doc.Token != "" {
			all, err := s.fs.List(ctx, tx, c, now)
			if err != nil {
				return err
			}
			for _, o := range all {
				if o.Doc.Token == f.Doc.Token {
					f = o
					return nil
				}
			}
		}
		_, err := tx.CreateResource(ctx, c.Account, f.Res)
		return err
	})
	if err != nil {
		return nil, err
	}
	d := s.describe(c, f, now)
	return &CreateFileSystemOutput{FileSystem: &d}, nil
}

func (s *Service) describe(c *op.Call, f *fileSystem, now time.Time) FileSystem {
	in := &f.Doc.Input
	d := FileSystem{OwnerId: new(string(c.Account)), CreationTime: new(f.Res.CreateDate), FileSystemId: new(f.Doc.ID),
		FileSystemType: new(in.FileSystemType), Lifecycle: new(s.fs.State(f, now)), StorageCapacity: in.StorageCapacity,
		StorageType: in.StorageType, VpcId: new("vpc-" + f.Doc.MountName), SubnetIds: in.SubnetIds, NetworkInterfaceIds: []string{"eni-" + f.Doc.MountName},
		DNSName: new(f.Doc.ID + ".fsx." + f.Doc.Region + ".amazonaws.com"), KmsKeyId: in.KmsKeyId, ResourceARN: new(f.Res.ARN),
		FileSystemTypeVersion: in.FileSystemTypeVersion, NetworkType: in.NetworkType, Tags: []Tag{}}
	if d.StorageType == nil {
		d.StorageType = new("SSD")
	}
	if in.FileSystemType == "LUSTRE" {
		l := &LustreFileSystemConfiguration{MountName: new(f.Doc.MountName), DeploymentType: new("SCRATCH_1")}
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
	for _, t := range f.Res.Tags {
		d.Tags = append(d.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return d
}

// fsCheck is the check of action on the file system id, with its tags when
// it exists.
func (s *Service) fsCheck(ctx context.Context, c *op.Call, id, action string, keys map[string][]string) ([]op.Check, error) {
	ch, err := s.fs.Check(ctx, s.env.Store, c, id, s.env.CallTime(c), op.Check{Action: action, Resource: fsARN(c.Region, c.Account, id), Context: keys})
	if err != nil {
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
			return "", resourceNotFound(arn)
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

// tokens are DescribeFileSystems' NextTokens.
const tokens resource.Pager = "abacus-fsx:"

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
	off, ok := tokens.Position(in.NextToken)
	if !ok {
		return nil, newError(CodeBadRequest, "Invalid NextToken.")
	}
	now := s.env.CallTime(c)
	var all []FileSystem
	err := s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		if len(in.FileSystemIds) > 0 {
			for _, id := range in.FileSystemIds {
				f, err := s.fs.Get(ctx, tx, c, id, now)
				if err != nil {
					return err
				}
				all = append(all, s.describe(c, f, now))
			}
			return nil
		}
		fss, err := s.fs.List(ctx, tx, c, now)
		for _, f := range fss {
			all = append(all, s.describe(c, f, now))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	page, next := resource.Page(tokens, all, off, n)
	return &DescribeFileSystemsOutput{FileSystems: append([]FileSystem{}, page...), NextToken: next}, nil
}

// mutate changes one file system in a transaction.
func (s *Service) mutate(ctx context.Context, c *op.Call, id string, fn func(f *fileSystem, now time.Time) error) error {
	return s.fs.Update(ctx, s.env.Store, c, id, s.env.CallTime(c), fn)
}

// DeleteFileSystem starts deleting an available file system.
func (s *Service) DeleteFileSystem(ctx context.Context, c *op.Call, in *DeleteFileSystemInput) (*DeleteFileSystemOutput, error) {
	err := s.mutate(ctx, c, in.FileSystemId, func(f *fileSystem, now time.Time) error {
		if st, ok := s.fs.Delete(f, now); !ok {
			return newError(CodeBadRequest, "Unable to delete file system %s because it is in the %s state.", f.Doc.ID, st)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteFileSystemOutput{FileSystemId: &in.FileSystemId, Lifecycle: new(StateDeleting)}, nil
}

// resourceNotFound is the answer to a tagging call on the ARN of a file
// system that does not exist.
func resourceNotFound(arn string) *Error {
	return &Error{Code: CodeResourceNotFound, Message: "The resource ARN does not exist.", ResourceARN: arn}
}

// mutateARN changes the file system a tagging call's ARN names; one that
// does not exist is ResourceNotFound.
func (s *Service) mutateARN(ctx context.Context, c *op.Call, arn string, fn func(f *fileSystem, now time.Time) error) error {
	id, err := arnID(c, arn)
	if err != nil {
		return err
	}
	err = s.mutate(ctx, c, id, fn)
	if errors.Is(err, ErrNotFound) {
		return resourceNotFound(arn)
	}
	return err
}

// TagResource adds or replaces tags.
func (s *Service) TagResource(ctx context.Context, c *op.Call, in *TagResourceInput) (*EmptyOutput, error) {
	err := s.mutateARN(ctx, c, in.ResourceARN, func(f *fileSystem, _ time.Time) error {
		f.Res.Tags = resource.SetTags(f.Res.Tags, resource.Tags(in.Tags, Tag.pair))
		if len(f.Res.Tags) > 50 {
			return newError(CodeBadRequest, "A resource can have at most 50 tags.")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// UntagResource removes tags by key.
func (s *Service) UntagResource(ctx context.Context, c *op.Call, in *UntagResourceInput) (*EmptyOutput, error) {
	err := s.mutateARN(ctx, c, in.ResourceARN, func(f *fileSystem, _ time.Time) error {
		f.Res.Tags = resource.RemoveTags(f.Res.Tags, in.TagKeys)
		return nil
	})
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
	err = s.env.Store.View(ctx, func(ctx context.Context, tx store.ReadTx) error {
		f, err := s.fs.Get(ctx, tx, c, id, s.env.CallTime(c))
		if err != nil {
			return err
		}
		for _, t := range f.Res.Tags {
			out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil, resourceNotFound(in.ResourceARN)
	}
	return out, err
}
