package sagemaker

import (
	"context"
	"errors"
	"net/url"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// Presigned URLs point at abacus itself, under /_abacus/: notebook URLs at
// /_abacus/notebook/NAME?authToken=TOKEN and Studio URLs at
// /_abacus/studio/DOMAIN/PROFILE?authToken=TOKEN. A token is 32 random
// bytes; only its SHA-256 digest is stored, with what the URL grants, so a
// URL cannot be forged or altered, works once, and expires (5 minutes for
// notebooks, ExpiresInSeconds for Studio). Opening it starts a landing
// session (a cookie) that lasts SessionExpirationDurationInSeconds.

// Landing kinds.
const (
	LandingNotebook = "notebook"
	LandingStudio   = "studio"
)

// Store types (without the "sagemaker:" prefix) of URL tokens and landing
// sessions, keyed by the digest of the token or cookie.
const (
	typePresignedURL   = "presigned-url"
	typeLandingSession = "landing-session"
)

// notebookURLLifetime is how long a presigned notebook URL may be opened.
const notebookURLLifetime = 5 * time.Minute

// endpointKey is the context key of the endpoint the request reached.
type endpointKey struct{}

// WithEndpoint returns ctx carrying the base URL ("http://127.0.0.1:4599")
// through which the current request reached abacus; presigned URLs are
// built on it. The wiring sets it from each request's Host.
func WithEndpoint(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, endpointKey{}, base)
}

// endpointFrom returns the base URL set by WithEndpoint, or
// http://127.0.0.1:4599 (abacus's default address).
func endpointFrom(ctx context.Context) string {
	if s, ok := ctx.Value(endpointKey{}).(string); ok && s != "" {
		return s
	}
	return "http://127.0.0.1:4599"
}

// urlRecord is a stored presigned URL.
type urlRecord struct {
	Kind            string
	Region          string
	Name            string // notebook instance name
	DomainID        string
	UserProfileName string
	ResourceARN     string
	Action          string
	CreatorARN      string
	CreatorKeyID    string
	SessionSeconds  int32
	ExpiresAt       time.Time
	UsedAt          time.Time
}

// sessionRecord is a stored landing session.
type sessionRecord struct {
	urlRecord
	Expires time.Time
}

// CreatePresignedNotebookInstanceUrlInput is the input of
// CreatePresignedNotebookInstanceUrl.
type CreatePresignedNotebookInstanceUrlInput struct {
	NotebookInstanceName               string `aws:",required"`
	SessionExpirationDurationInSeconds *int32
}

// CreatePresignedNotebookInstanceUrlOutput is its output.
type CreatePresignedNotebookInstanceUrlOutput struct {
	AuthorizedUrl string
}

// CreatePresignedDomainUrlInput is the input of CreatePresignedDomainUrl.
type CreatePresignedDomainUrlInput struct {
	DomainId                           string `aws:",required"`
	UserProfileName                    string `aws:",required"`
	SessionExpirationDurationInSeconds *int32
	ExpiresInSeconds                   *int32
	SpaceName                          *string
	LandingUri                         *string
}

// CreatePresignedDomainUrlOutput is its output.
type CreatePresignedDomainUrlOutput struct {
	AuthorizedUrl string
}

func registerPresignedNotebookURL(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[CreatePresignedNotebookInstanceUrlInput, CreatePresignedNotebookInstanceUrlOutput]{
		Service: "sagemaker", Name: "CreatePresignedNotebookInstanceUrl", ReadOnly: true,
		Authorize: func(ctx context.Context, c *op.Call, in *CreatePresignedNotebookInstanceUrlInput) ([]op.Check, error) {
			if err := checkSessionSeconds(in.SessionExpirationDurationInSeconds); err != nil {
				return nil, err
			}
			return s.notebookAuth("sagemaker:CreatePresignedNotebookInstanceUrl")(ctx, c, &NotebookInstanceNameInput{NotebookInstanceName: in.NotebookInstanceName})
		},
		Handle: s.CreatePresignedNotebookInstanceUrl,
	})
}

func registerPresignedDomainURL(r *op.Registry, s *Service) {
	op.Register(r, op.Spec[CreatePresignedDomainUrlInput, CreatePresignedDomainUrlOutput]{
		Service: "sagemaker", Name: "CreatePresignedDomainUrl", ReadOnly: true,
		Authorize: func(ctx context.Context, c *op.Call, in *CreatePresignedDomainUrlInput) ([]op.Check, error) {
			if err := validatePresignedDomain(in); err != nil {
				return nil, err
			}
			return s.profileAuth("sagemaker:CreatePresignedDomainUrl")(ctx, c, &UserProfileInput{DomainId: in.DomainId, UserProfileName: in.UserProfileName})
		},
		Handle: s.CreatePresignedDomainUrl,
	})
}

func checkSessionSeconds(v *int32) error {
	if v != nil && (*v < 1800 || *v > 43200) {
		return validationError("1 validation error detected: Value '%d' at 'sessionExpirationDurationInSeconds' failed to satisfy constraint: Member must have value between 1800 and 43200", *v)
	}
	return nil
}

func validatePresignedDomain(in *CreatePresignedDomainUrlInput) error {
	if err := validateProfileRef(in.DomainId, in.UserProfileName); err != nil {
		return err
	}
	if err := checkSessionSeconds(in.SessionExpirationDurationInSeconds); err != nil {
		return err
	}
	if v := in.ExpiresInSeconds; v != nil && (*v < 5 || *v > 300) {
		return validationError("1 validation error detected: Value '%d' at 'expiresInSeconds' failed to satisfy constraint: Member must have value between 5 and 300", *v)
	}
	if in.SpaceName != nil {
		return validationError("Spaces are not supported by abacus; omit SpaceName.")
	}
	return nil
}

// creator returns who created a presigned URL.
func creator(c *op.Call) (arn, keyID string) {
	if c.Principal != nil {
		return c.Principal.ARN, c.Principal.AccessKeyID
	}
	return "", ""
}

// storeURL stores a new URL record and returns the token.
func (s *Service) storeURL(ctx context.Context, tx store.Tx, c *op.Call, rec urlRecord, now time.Time) (string, error) {
	token, digest, err := s.newToken()
	if err != nil {
		return "", err
	}
	e := entry[urlRecord]{Res: model.Resource{Type: storeType(typePresignedURL), ID: digest, Status: "Active",
		CreateDate: now, UpdateDate: now}, Since: now, Doc: rec}
	if err := encodeEntry(&e); err != nil {
		return "", err
	}
	_, err = tx.CreateResource(ctx, c.Account, e.Res)
	return token, err
}

// CreatePresignedNotebookInstanceUrl returns a single-use URL, valid for 5
// minutes, that opens the instance's landing page. The instance must
// exist; AWS expects it InService but does not document a refusal, so
// other states are allowed (the page shows the state).
func (s *Service) CreatePresignedNotebookInstanceUrl(ctx context.Context, c *op.Call, in *CreatePresignedNotebookInstanceUrlInput) (*CreatePresignedNotebookInstanceUrlOutput, error) {
	if err := checkSessionSeconds(in.SessionExpirationDurationInSeconds); err != nil {
		return nil, err
	}
	var token string
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		e, err := s.getNotebook(ctx, tx, c, in.NotebookInstanceName)
		if err != nil {
			return err
		}
		arn, key := creator(c)
		token, err = s.storeURL(ctx, tx, c, urlRecord{
			Kind: LandingNotebook, Region: c.Region, Name: e.Doc.Name, ResourceARN: e.Res.ARN,
			Action: "sagemaker:CreatePresignedNotebookInstanceUrl", CreatorARN: arn, CreatorKeyID: key,
			SessionSeconds: sessionSeconds(in.SessionExpirationDurationInSeconds), ExpiresAt: now.Add(notebookURLLifetime),
		}, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	u := endpointFrom(ctx) + "/_abacus/notebook/" + url.PathEscape(lowerName(in.NotebookInstanceName)) + "?authToken=" + token
	return &CreatePresignedNotebookInstanceUrlOutput{AuthorizedUrl: u}, nil
}

func sessionSeconds(v *int32) int32 {
	if v == nil {
		return 43200
	}
	return *v
}

// CreatePresignedDomainUrl returns a single-use URL, valid for
// ExpiresInSeconds (default 300), that opens the user's Studio landing
// page. AWS allows it only for domains in IAM auth mode.
func (s *Service) CreatePresignedDomainUrl(ctx context.Context, c *op.Call, in *CreatePresignedDomainUrlInput) (*CreatePresignedDomainUrlOutput, error) {
	if err := validatePresignedDomain(in); err != nil {
		return nil, err
	}
	var token string
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		now := s.callTime(c)
		d, err := s.getDomain(ctx, tx, c, in.DomainId)
		if err != nil {
			return err
		}
		if d.Doc.AuthMode != "IAM" {
			return validationError("CreatePresignedDomainUrl can only be called when the domain's authentication mode is IAM.")
		}
		p, err := s.getProfile(ctx, tx, c, in.DomainId, in.UserProfileName)
		if err != nil {
			return err
		}
		expires := 300 * time.Second
		if in.ExpiresInSeconds != nil {
			expires = time.Duration(*in.ExpiresInSeconds) * time.Second
		}
		arn, key := creator(c)
		token, err = s.storeURL(ctx, tx, c, urlRecord{
			Kind: LandingStudio, Region: c.Region, DomainID: in.DomainId, UserProfileName: in.UserProfileName,
			ResourceARN: p.Res.ARN, Action: "sagemaker:CreatePresignedDomainUrl", CreatorARN: arn, CreatorKeyID: key,
			SessionSeconds: sessionSeconds(in.SessionExpirationDurationInSeconds), ExpiresAt: now.Add(expires),
		}, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	u := endpointFrom(ctx) + "/_abacus/studio/" + url.PathEscape(in.DomainId) + "/" + url.PathEscape(in.UserProfileName) + "?authToken=" + token
	return &CreatePresignedDomainUrlOutput{AuthorizedUrl: u}, nil
}

// Errors of landing pages.
var (
	// ErrURLInvalid means the token is not one abacus issued for this page
	// (tampered with, or for another resource).
	ErrURLInvalid = errors.New("the presigned URL is not valid")
	// ErrURLExpired means the URL was not opened in time.
	ErrURLExpired = errors.New("the presigned URL has expired")
	// ErrURLUsed means the URL was already opened once.
	ErrURLUsed = errors.New("the presigned URL has already been used")
	// ErrSessionInvalid means the landing session cookie is missing,
	// unknown or for another page.
	ErrSessionInvalid = errors.New("no valid session for this page; open a new presigned URL")
	// ErrSessionExpired means the landing session has ended.
	ErrSessionExpired = errors.New("the session has expired; open a new presigned URL")
)

// Landing is what a landing page shows and what its requests are
// re-authorized with.
type Landing struct {
	Kind    string
	Account model.AccountID
	Region  string
	// ResourceARN and Action are re-checked for the creator on every page
	// request, with ResourceTags, the resource's current tags.
	ResourceARN  string
	Action       string
	ResourceTags map[string]string
	// CreatorARN and CreatorKeyID identify who created the URL.
	CreatorARN   string
	CreatorKeyID string
	// SessionExpires is when the landing session ends.
	SessionExpires time.Time
	// Cookie is the new session's cookie value; set by OpenLanding only.
	Cookie string
	// Name and Status describe a notebook instance.
	Name   string
	Status string
	// DomainID and UserProfileName describe a Studio user.
	DomainID        string
	UserProfileName string
}

// pageKey is the path a URL or session belongs to.
func (r urlRecord) pageKey() string {
	if r.Kind == LandingNotebook {
		return LandingNotebook + "/" + lowerName(r.Name)
	}
	return LandingStudio + "/" + r.DomainID + "/" + r.UserProfileName
}

// usable reports why a URL record cannot open page at now, or nil.
func (r urlRecord) usable(page string, now time.Time) error {
	switch {
	case r.pageKey() != page:
		return ErrURLInvalid
	case !r.UsedAt.IsZero():
		return ErrURLUsed
	case !now.Before(r.ExpiresAt):
		return ErrURLExpired
	}
	return nil
}

// PeekLanding validates the token of a presigned URL for page without
// consuming it, and returns what opening it would show (with the creator,
// so that the caller can re-authorize before opening). Errors are those of
// OpenLanding.
func (s *Service) PeekLanding(ctx context.Context, acct model.AccountID, page, token string, now time.Time) (Landing, error) {
	var l Landing
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		r, err := tx.GetResource(ctx, acct, storeType(typePresignedURL), tokenDigest(token))
		if errors.Is(err, store.ErrNotFound) {
			return ErrURLInvalid
		}
		if err != nil {
			return err
		}
		e, err := decodeEntry[urlRecord](r)
		if err != nil {
			return err
		}
		if err := e.Doc.usable(page, now); err != nil {
			l.Region = e.Doc.Region
			return err
		}
		l, err = s.landing(ctx, tx, acct, sessionRecord{urlRecord: e.Doc, Expires: now.Add(time.Duration(e.Doc.SessionSeconds) * time.Second)}, now)
		return err
	})
	return l, err
}

// OpenLanding consumes the token of a presigned URL for the page at page
// ("notebook/NAME" or "studio/DOMAIN/PROFILE") and starts a landing
// session. Errors: ErrURLInvalid, ErrURLExpired, ErrURLUsed; the resource
// gone is the service's not-found error.
func (s *Service) OpenLanding(ctx context.Context, acct model.AccountID, page, token string, now time.Time) (Landing, error) {
	var l Landing
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		r, err := tx.GetResource(ctx, acct, storeType(typePresignedURL), tokenDigest(token))
		if errors.Is(err, store.ErrNotFound) {
			return ErrURLInvalid
		}
		if err != nil {
			return err
		}
		e, err := decodeEntry[urlRecord](r)
		if err != nil {
			return err
		}
		rec := e.Doc
		if err := rec.usable(page, now); err != nil {
			return err
		}
		e.Doc.UsedAt = now
		if err := putEntry(ctx, tx, acct, &e, now); err != nil {
			return err
		}
		cookie, digest, err := s.newToken()
		if err != nil {
			return err
		}
		sess := entry[sessionRecord]{Res: model.Resource{Type: storeType(typeLandingSession), ID: digest, Status: "Active",
			CreateDate: now, UpdateDate: now}, Since: now,
			Doc: sessionRecord{urlRecord: rec, Expires: now.Add(time.Duration(rec.SessionSeconds) * time.Second)}}
		if err := encodeEntry(&sess); err != nil {
			return err
		}
		if _, err := tx.CreateResource(ctx, acct, sess.Res); err != nil {
			return err
		}
		l, err = s.landing(ctx, tx, acct, sess.Doc, now)
		l.Cookie = cookie
		return err
	})
	return l, err
}

// LandingSession returns the landing of an open session for the page.
// Errors: ErrSessionInvalid, ErrSessionExpired.
func (s *Service) LandingSession(ctx context.Context, acct model.AccountID, page, cookie string, now time.Time) (Landing, error) {
	var l Landing
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		rec, err := getSession(ctx, tx, acct, page, cookie, now)
		if err != nil {
			return err
		}
		l, err = s.landing(ctx, tx, acct, rec, now)
		return err
	})
	return l, err
}

func getSession(ctx context.Context, tx store.ReadTx, acct model.AccountID, page, cookie string, now time.Time) (sessionRecord, error) {
	if cookie == "" {
		return sessionRecord{}, ErrSessionInvalid
	}
	r, err := tx.GetResource(ctx, acct, storeType(typeLandingSession), tokenDigest(cookie))
	if errors.Is(err, store.ErrNotFound) {
		return sessionRecord{}, ErrSessionInvalid
	}
	if err != nil {
		return sessionRecord{}, err
	}
	e, err := decodeEntry[sessionRecord](r)
	if err != nil {
		return sessionRecord{}, err
	}
	if e.Doc.pageKey() != page {
		return sessionRecord{}, ErrSessionInvalid
	}
	if !now.Before(e.Doc.Expires) {
		return sessionRecord{}, ErrSessionExpired
	}
	return e.Doc, nil
}

// landing describes a session with the resource's current state.
func (s *Service) landing(ctx context.Context, tx store.ReadTx, acct model.AccountID, rec sessionRecord, now time.Time) (Landing, error) {
	l := Landing{Kind: rec.Kind, Account: acct, Region: rec.Region, ResourceARN: rec.ResourceARN, Action: rec.Action,
		CreatorARN: rec.CreatorARN, CreatorKeyID: rec.CreatorKeyID, SessionExpires: rec.Expires,
		Name: rec.Name, DomainID: rec.DomainID, UserProfileName: rec.UserProfileName}
	switch rec.Kind {
	case LandingNotebook:
		e, err := getEntry[notebookDoc](ctx, s, tx, acct, notebookLifecycle, TypeNotebookInstance, rec.Region, lowerName(rec.Name), now)
		if errors.Is(err, store.ErrNotFound) {
			return l, notebookNotFound()
		}
		if err != nil {
			return l, err
		}
		l.Status, l.ResourceTags = e.Res.Status, tagMap(e.Res.Tags)
	case LandingStudio:
		e, err := getEntry[userProfileDoc](ctx, s, tx, acct, userProfileLifecycle, TypeUserProfile, rec.Region, rec.DomainID+"/"+rec.UserProfileName, now)
		if errors.Is(err, store.ErrNotFound) {
			return l, profileNotFound(rec.DomainID, rec.UserProfileName)
		}
		if err != nil {
			return l, err
		}
		l.Status, l.ResourceTags = e.Res.Status, tagMap(e.Res.Tags)
	}
	return l, nil
}

// landingGrace is how long a used or expired presigned URL is remembered
// after it expires, so that reopening it still says "expired" or "already
// used" rather than "not valid".
const landingGrace = time.Hour

// PurgeLandings deletes the account's presigned URLs that expired more than
// an hour before now and its landing sessions that have ended, and returns
// how many records it deleted. Run it periodically; nothing else removes
// them.
func (s *Service) PurgeLandings(ctx context.Context, acct model.AccountID, now time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		for _, typ := range []string{typePresignedURL, typeLandingSession} {
			opts := store.ResourceListOptions{MaxItems: store.MaxMaxItems}
			for {
				page, err := tx.ListResources(ctx, acct, storeType(typ), opts)
				if err != nil {
					return err
				}
				for _, r := range page.Items {
					e, err := decodeEntry[sessionRecord](r)
					if err != nil {
						return err
					}
					end := e.Doc.ExpiresAt.Add(landingGrace)
					if typ == typeLandingSession {
						end = e.Doc.Expires
					}
					if now.Before(end) {
						continue
					}
					if err := tx.DeleteResource(ctx, acct, r.Type, r.ID, 0); err != nil {
						return err
					}
					n++
				}
				if !page.IsTruncated {
					break
				}
				opts.Marker = page.Marker
			}
		}
		return nil
	})
	return n, err
}
