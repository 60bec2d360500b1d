package secretsmanager

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// Store is the slice of storage Secrets Manager needs: generic resources in
// read and read-write transactions. *sqlite.Store satisfies it.
type Store interface {
	View(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error
	Update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// Sealer encrypts secret values at rest; *secretbox.Box satisfies it.
type Sealer interface {
	Seal(plaintext, ad []byte) ([]byte, error)
	Open(sealed, ad []byte) ([]byte, error)
}

// Options configure a [Service]. Store and Box are required; the zero value
// of every other field is valid.
type Options struct {
	Store Store
	Box   Sealer
	// Now is the clock for work not tied to a call; nil means time.Now.
	Now func() time.Time
	// Rand is the source of version IDs, random passwords and, for calls
	// without a request ID, ARN suffixes; nil means crypto/rand.
	Rand io.Reader
	// ValidatePolicy checks a resource policy document; nil accepts any
	// JSON object. Its error message is sent as the
	// MalformedPolicyDocumentException message.
	ValidatePolicy func(doc string) error
	// Logger receives operational logs (never a secret value); nil discards
	// them.
	Logger *slog.Logger
}

// Service implements Secrets Manager. It keeps no state of its own beyond
// its configuration, so it is safe for concurrent use and several nodes may
// serve one store.
type Service struct {
	store    Store
	box      Sealer
	now      func() time.Time
	ids      model.IDGenerator
	validate func(string) error
	rand     io.Reader
	log      *slog.Logger
}

// New returns a Service.
func New(o Options) *Service {
	s := &Service{store: o.Store, box: o.Box, now: o.Now, ids: model.IDGenerator{Rand: o.Rand}, validate: o.ValidatePolicy, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.rand = o.Rand
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.validate == nil {
		s.validate = func(doc string) error {
			var v map[string]any
			if err := json.Unmarshal([]byte(doc), &v); err != nil {
				return errors.New("This resource policy contains a syntax error.")
			}
			return nil
		}
	}
	return s
}

// resourceType is the generic store's type of a secret.
const resourceType = "secretsmanager:secret"

// Staging labels with meaning to Secrets Manager.
const (
	StageCurrent  = "AWSCURRENT"
	StagePrevious = "AWSPREVIOUS"
	StagePending  = "AWSPENDING"
)

// statusPendingDeletion marks a secret scheduled for deletion.
const statusPendingDeletion = "PendingDeletion"

// secretDoc is a stored secret.
type secretDoc struct {
	Name             string
	Region           string
	Description      *string    `json:",omitempty"`
	KmsKeyID         *string    `json:",omitempty"`
	Type             *string    `json:",omitempty"`
	LastChangedDate  time.Time  `json:",omitzero"`
	LastAccessedDate *time.Time `json:",omitempty"`
	DeletedDate      *time.Time `json:",omitempty"`
	// DeletionDate is when a secret scheduled for deletion is gone.
	DeletionDate   *time.Time `json:",omitempty"`
	ResourcePolicy string     `json:",omitempty"`
	Versions       []version
}

// version is one stored version; its value is sealed.
type version struct {
	ID      string
	Stages  []string `json:",omitempty"`
	Created time.Time
	// String and Binary are the sealed values (nil when absent).
	String []byte `json:",omitempty"`
	Binary []byte `json:",omitempty"`
}

// secret is a loaded secret: its record and its document.
type secret struct {
	res model.Resource
	doc secretDoc
}

func (sc *secret) arn() string { return sc.res.ARN }

// deleted reports whether the secret is scheduled for deletion.
func (sc *secret) deleted() bool { return sc.doc.DeletedDate != nil }

// gone reports whether a scheduled deletion has happened by now.
func (sc *secret) gone(now time.Time) bool {
	return sc.doc.DeletionDate != nil && !now.Before(*sc.doc.DeletionDate)
}

func (sc *secret) tags() map[string]string {
	if len(sc.res.Tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(sc.res.Tags))
	for _, t := range sc.res.Tags {
		m[t.Key] = t.Value
	}
	return m
}

func (sc *secret) versionByID(id string) *version {
	for i := range sc.doc.Versions {
		if sc.doc.Versions[i].ID == id {
			return &sc.doc.Versions[i]
		}
	}
	return nil
}

func (sc *secret) versionByStage(stage string) *version {
	for i := range sc.doc.Versions {
		for _, st := range sc.doc.Versions[i].Stages {
			if st == stage {
				return &sc.doc.Versions[i]
			}
		}
	}
	return nil
}

func (sc *secret) versionsToStages() map[string][]string {
	m := map[string][]string{}
	for _, v := range sc.doc.Versions {
		if len(v.Stages) > 0 {
			m[v.ID] = append([]string(nil), v.Stages...)
		}
	}
	return m
}

func decodeSecret(r model.Resource) (*secret, error) {
	sc := &secret{res: r}
	if err := json.Unmarshal(r.Document, &sc.doc); err != nil {
		return nil, fmt.Errorf("decode secret %s: %w", r.ID, err)
	}
	return sc, nil
}

func (sc *secret) encode() error {
	b, err := json.Marshal(sc.doc)
	if err != nil {
		return err
	}
	sc.res.Document = b
	return nil
}

func storeID(region, name string) string { return region + "/" + name }

// ref is a parsed SecretId: the region and name to look up, and the full
// ARN when the caller gave one.
type ref struct {
	region  string
	name    string
	fullARN string
	// altName is the name without a trailing -XXXXXX, tried when the
	// identifier may be a full ARN.
	altName string
}

// parseRef interprets a SecretId: a name, a full ARN or a partial ARN.
func parseRef(c *op.Call, id string) ref {
	r := ref{region: c.Region, name: id}
	if !strings.HasPrefix(id, "arn:") {
		return r
	}
	parts := strings.SplitN(id, ":", 7)
	if len(parts) != 7 || parts[1] != "aws" || parts[2] != "secretsmanager" || parts[5] != "secret" {
		return ref{region: c.Region, name: "\x00invalid"}
	}
	if parts[4] != string(c.Account) {
		return ref{region: c.Region, name: "\x00foreign"}
	}
	r.region, r.name = parts[3], parts[6]
	if i := len(r.name) - 7; i > 0 && r.name[i] == '-' {
		r.altName, r.fullARN = r.name[:i], id
	}
	return r
}

// arnFor is the ARN a check uses for a secret that does not exist: the
// caller's ARN, or the name's ARN without a suffix.
func arnFor(c *op.Call, id string) string {
	if strings.HasPrefix(id, "arn:") {
		return id
	}
	return secretARN(c.Region, c.Account, id)
}

func secretARN(region string, acct model.AccountID, nameWithSuffix string) string {
	return "arn:aws:secretsmanager:" + region + ":" + string(acct) + ":secret:" + nameWithSuffix
}

// find loads the secret a SecretId names, as of now; a missing or purged
// secret is ErrNotFound.
func (s *Service) find(ctx context.Context, tx store.ReadTx, c *op.Call, id string, now time.Time) (*secret, error) {
	r := parseRef(c, id)
	try := func(name string) (*secret, error) {
		res, err := tx.GetResource(ctx, c.Account, resourceType, storeID(r.region, name))
		if err != nil {
			return nil, err
		}
		sc, err := decodeSecret(res)
		if err != nil {
			return nil, err
		}
		if sc.gone(now) {
			return nil, store.ErrNotFound
		}
		return sc, nil
	}
	if r.fullARN != "" {
		sc, err := try(r.altName)
		if err == nil && sc.arn() == r.fullARN {
			return sc, nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	sc, err := try(r.name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound()
	}
	return sc, err
}

// callTime is the call's time in UTC with millisecond precision.
func (s *Service) callTime(c *op.Call) time.Time { return c.Time(s.now) }

// suffixAlphabet is the alphabet of ARN suffixes.
const suffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// suffix returns the six-character ARN suffix of a secret created by c.
// It is derived from the call's request ID (random, unique per request), so
// CreateSecret's authorization and its handler agree on the new ARN
// without storing anything in between.
func (s *Service) suffix(c *op.Call, name string) (string, error) {
	seed := c.RequestID
	if seed == "" {
		id, err := s.ids.UUID()
		if err != nil {
			return "", err
		}
		seed = id
	}
	h := sha256.Sum256([]byte(seed + "\x00" + name))
	b := make([]byte, 6)
	for i := range b {
		b[i] = suffixAlphabet[int(h[i])%len(suffixAlphabet)]
	}
	return string(b), nil
}

// sealVersion encrypts a version's values bound to the secret's ARN and the
// version ID.
func (s *Service) sealVersion(arn string, v *version, str *model.Secret, bin []byte) error {
	ad := []byte(arn + "/" + v.ID)
	if str != nil {
		ct, err := s.box.Seal([]byte(*str), ad)
		if err != nil {
			return err
		}
		v.String = ct
	}
	if bin != nil {
		ct, err := s.box.Seal(bin, append(ad, "/binary"...))
		if err != nil {
			return err
		}
		v.Binary = ct
	}
	return nil
}

// openVersion decrypts a version's values.
func (s *Service) openVersion(arn string, v *version) (*model.Secret, []byte, error) {
	ad := []byte(arn + "/" + v.ID)
	var str *model.Secret
	var bin []byte
	if v.String != nil {
		pt, err := s.box.Open(v.String, ad)
		if err != nil {
			s.log.Error("secret value does not decrypt: is the key file the one it was sealed with?", slog.String("arn", arn), slog.String("version_id", v.ID))
			return nil, nil, newError(CodeDecryption, "Secrets Manager can't decrypt the protected secret text using the provided KMS key.")
		}
		x := model.Secret(pt)
		str = &x
	}
	if v.Binary != nil {
		pt, err := s.box.Open(v.Binary, append(ad, "/binary"...))
		if err != nil {
			return nil, nil, newError(CodeDecryption, "Secrets Manager can't decrypt the protected secret text using the provided KMS key.")
		}
		bin = pt
	}
	return str, bin, nil
}

func (s *Service) view(ctx context.Context, fn func(ctx context.Context, tx store.ReadTx) error) error {
	return s.store.View(ctx, fn)
}

func (s *Service) update(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error {
	return s.store.Update(ctx, fn)
}

// put writes back a changed secret.
func put(ctx context.Context, tx store.Tx, acct model.AccountID, sc *secret, now time.Time) error {
	sc.res.UpdateDate = now
	if err := sc.encode(); err != nil {
		return err
	}
	r, err := tx.UpdateResource(ctx, acct, sc.res)
	if err != nil {
		return err
	}
	sc.res = r
	return nil
}

func ptr[T any](v T) *T { return &v }

// sameValue reports whether str/bin equal the values of v.
func (s *Service) sameValue(arn string, v *version, str *model.Secret, bin []byte) (bool, error) {
	gs, gb, err := s.openVersion(arn, v)
	if err != nil {
		return false, err
	}
	if (gs == nil) != (str == nil) || (gs != nil && *gs != *str) {
		return false, nil
	}
	return string(gb) == string(bin) && (gb == nil) == (bin == nil), nil
}
