package secretsmanager

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"time"

	"abacus/internal/model"
	"abacus/internal/op"
	"abacus/internal/store"
)

// Limits from the Secrets Manager API reference.
const (
	maxSecretString = 65536
	maxVersions     = 100
	maxTags         = 50
	maxNameLen      = 512
	maxStages       = 20
)

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9/_+=.@-]+$`)

func validateName(name string) error {
	if name == "" || len(name) > maxNameLen || !nameRE.MatchString(name) {
		return invalidParam("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	return nil
}

func validateValue(str *model.Secret, bin []byte) error {
	if str != nil && bin != nil {
		return invalidParam("You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	if (str != nil && len(*str) > maxSecretString) || len(bin) > maxSecretString {
		return invalidParam("The secret value can't be larger than %d bytes.", maxSecretString)
	}
	return nil
}

func validateToken(tok *string) error {
	if tok != nil && (len(*tok) < 32 || len(*tok) > 64) {
		return invalidParam("ClientRequestToken must be 32-64 characters long.")
	}
	return nil
}

func validateTags(tags []Tag) error {
	if len(tags) > maxTags {
		return invalidParam("You can't attach more than %d tags to a secret.", maxTags)
	}
	for _, t := range tags {
		if t.Key == nil || *t.Key == "" || len(*t.Key) > 128 {
			return invalidParam("You must provide a tag key between 1 and 128 characters long.")
		}
		if t.Value != nil && len(*t.Value) > 256 {
			return invalidParam("A tag value can't be longer than 256 characters.")
		}
	}
	return nil
}

// requestTagKeys returns aws:RequestTag/* and aws:TagKeys for tags.
func requestTagKeys(keys map[string][]string, tags []Tag) {
	if len(tags) == 0 {
		return
	}
	var tk []string
	for _, t := range tags {
		k := deref(t.Key)
		tk = append(tk, k)
		keys["aws:RequestTag/"+k] = []string{deref(t.Value)}
	}
	keys["aws:TagKeys"] = tk
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// secretCheck is the check of action on the secret id names: the secret's
// ARN, tags and resource policy when it exists, else the ARN the caller
// named (so a denial does not reveal whether the secret exists).
func (s *Service) secretCheck(ctx context.Context, c *op.Call, id, action string, keys map[string][]string) ([]op.Check, error) {
	if keys == nil {
		keys = map[string][]string{}
	}
	ch := op.Check{Action: action, Context: keys, TagKeyPrefix: "secretsmanager:ResourceTag/"}
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		sc, err := s.find(ctx, tx, c, id, s.callTime(c))
		if err != nil {
			return err
		}
		ch.Resource = sc.arn()
		ch.ResourceTags = sc.tags()
		ch.ResourcePolicy = sc.doc.ResourcePolicy
		keys["secretsmanager:SecretPrimaryRegion"] = []string{sc.doc.Region}
		if sc.doc.Type != nil {
			keys["secretsmanager:resource/Type"] = []string{*sc.doc.Type}
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrNotFound):
		ch.Resource = arnFor(c, id)
	case err != nil:
		return nil, err
	}
	keys["secretsmanager:SecretId"] = []string{ch.Resource}
	return []op.Check{ch}, nil
}

// on is the Authorize of an operation that needs one check on the secret
// its input names, with keys derived from the input.
func on[In any](s *Service, action string, id func(*In) string, keys func(*In) map[string][]string) func(context.Context, *op.Call, *In) ([]op.Check, error) {
	return func(ctx context.Context, c *op.Call, in *In) ([]op.Check, error) {
		var k map[string][]string
		if keys != nil {
			k = keys(in)
		}
		return s.secretCheck(ctx, c, id(in), action, k)
	}
}

// mutate loads the secret id names in a read-write transaction, refuses a
// secret scheduled for deletion unless allowDeleted, and writes it back
// when fn returns nil.
func (s *Service) mutate(ctx context.Context, c *op.Call, id string, allowDeleted bool, fn func(ctx context.Context, tx store.Tx, sc *secret, now time.Time) error) (*secret, error) {
	now := s.callTime(c)
	var out *secret
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		sc, err := s.find(ctx, tx, c, id, now)
		if err != nil {
			return err
		}
		if sc.deleted() && !allowDeleted {
			return invalidRequest(msgMarkedDeleted)
		}
		if err := fn(ctx, tx, sc, now); err != nil {
			return err
		}
		out = sc
		return put(ctx, tx, c.Account, sc, now)
	})
	return out, err
}

func (s *Service) authorizeCreateSecret(_ context.Context, c *op.Call, in *CreateSecretInput) ([]op.Check, error) {
	if err := validateName(in.Name); err != nil {
		return nil, err
	}
	suf, err := s.suffix(c, in.Name)
	if err != nil {
		return nil, err
	}
	arn := secretARN(c.Region, c.Account, in.Name+"-"+suf)
	keys := map[string][]string{"secretsmanager:Name": {in.Name}}
	if in.Description != nil {
		keys["secretsmanager:Description"] = []string{*in.Description}
	}
	if in.KmsKeyId != nil {
		keys["secretsmanager:KmsKeyId"] = []string{*in.KmsKeyId}
		keys["secretsmanager:KmsKeyArn"] = []string{*in.KmsKeyId}
	}
	if in.Type != nil {
		keys["secretsmanager:Type"] = []string{*in.Type}
	}
	if len(in.AddReplicaRegions) > 0 {
		var rs []string
		for _, r := range in.AddReplicaRegions {
			rs = append(rs, deref(r.Region))
		}
		keys["secretsmanager:AddReplicaRegions"] = rs
	}
	if in.ForceOverwriteReplicaSecret != nil {
		keys["secretsmanager:ForceOverwriteReplicaSecret"] = []string{strconv.FormatBool(*in.ForceOverwriteReplicaSecret)}
	}
	requestTagKeys(keys, in.Tags)
	checks := []op.Check{{Action: "secretsmanager:CreateSecret", Resource: arn, Context: keys}}
	if len(in.Tags) > 0 {
		// "If you include tags in the secret, you also need
		// secretsmanager:TagResource" (CreateSecret, API reference).
		tk := map[string][]string{"secretsmanager:SecretId": {arn}}
		requestTagKeys(tk, in.Tags)
		checks = append(checks, op.Check{Action: "secretsmanager:TagResource", Resource: arn, Context: tk})
	}
	return checks, nil
}

// CreateSecret creates a secret, with a first version (AWSCURRENT) when a
// value is given.
func (s *Service) CreateSecret(ctx context.Context, c *op.Call, in *CreateSecretInput) (*CreateSecretOutput, error) {
	if err := validateName(in.Name); err != nil {
		return nil, err
	}
	if err := validateValue(in.SecretString, in.SecretBinary); err != nil {
		return nil, err
	}
	if err := validateToken(in.ClientRequestToken); err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if len(in.AddReplicaRegions) > 0 {
		return nil, invalidRequest("abacus does not replicate secrets to other Regions.")
	}
	suf, err := s.suffix(c, in.Name)
	if err != nil {
		return nil, err
	}
	now := s.callTime(c)
	sc := &secret{
		res: model.Resource{Type: resourceType, ID: storeID(c.Region, in.Name), Name: in.Name,
			ARN: secretARN(c.Region, c.Account, in.Name+"-"+suf), CreateDate: now, UpdateDate: now},
		doc: secretDoc{Name: in.Name, Region: c.Region, Description: in.Description, KmsKeyID: in.KmsKeyId,
			Type: in.Type, LastChangedDate: now},
	}
	for _, t := range in.Tags {
		sc.res.Tags = setTag(sc.res.Tags, deref(t.Key), deref(t.Value))
	}
	out := &CreateSecretOutput{Name: in.Name}
	if in.SecretString != nil || in.SecretBinary != nil {
		vid, err := s.versionID(in.ClientRequestToken)
		if err != nil {
			return nil, err
		}
		v := version{ID: vid, Stages: []string{StageCurrent}, Created: now}
		if err := s.sealVersion(sc.arn(), &v, in.SecretString, in.SecretBinary); err != nil {
			return nil, err
		}
		sc.doc.Versions = []version{v}
		out.VersionId = &vid
	}
	if err := sc.encode(); err != nil {
		return nil, err
	}
	err = s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		old, err := tx.GetResource(ctx, c.Account, resourceType, sc.res.ID)
		if err == nil {
			prev, derr := decodeSecret(old)
			if derr != nil {
				return derr
			}
			if !prev.gone(now) {
				if prev.deleted() {
					return invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.")
				}
				return newError(CodeExists, "The operation failed because the secret %s already exists.", in.Name)
			}
			if err := tx.DeleteResource(ctx, c.Account, resourceType, sc.res.ID, 0); err != nil {
				return err
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		_, err = tx.CreateResource(ctx, c.Account, sc.res)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.ARN = sc.arn()
	return out, nil
}

func (s *Service) versionID(token *string) (string, error) {
	if token != nil {
		return *token, nil
	}
	return s.ids.UUID()
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

// GetSecretValue returns the value of a version: by VersionId, by
// VersionStage, or AWSCURRENT.
func (s *Service) GetSecretValue(ctx context.Context, c *op.Call, in *GetSecretValueInput) (*GetSecretValueOutput, error) {
	var sc *secret
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		sc, err = s.find(ctx, tx, c, in.SecretId, s.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	if sc.deleted() {
		return nil, invalidRequest(msgMarkedDeleted)
	}
	var v *version
	switch {
	case in.VersionId != nil:
		v = sc.versionByID(*in.VersionId)
		if v == nil {
			return nil, newError(CodeNotFound, "Secrets Manager can't find the specified secret value for VersionId: %s", *in.VersionId)
		}
		if in.VersionStage != nil && !slices.Contains(v.Stages, *in.VersionStage) {
			return nil, invalidRequest("You provided a VersionStage that is not associated to the provided VersionId.")
		}
	default:
		stage := StageCurrent
		if in.VersionStage != nil {
			stage = *in.VersionStage
		}
		v = sc.versionByStage(stage)
		if v == nil {
			return nil, newError(CodeNotFound, "Secrets Manager can't find the specified secret value for staging label: %s", stage)
		}
	}
	str, bin, err := s.openVersion(sc.arn(), v)
	if err != nil {
		return nil, err
	}
	s.touch(ctx, c, sc)
	return &GetSecretValueOutput{ARN: sc.arn(), Name: sc.doc.Name, VersionId: v.ID, SecretString: str, SecretBinary: bin,
		VersionStages: append([]string{}, v.Stages...), CreatedDate: v.Created}, nil
}

// addVersion adds a version with the given stages (AWSCURRENT when stages
// is nil) and moves the labels: each label leaves the version that had it,
// and the version that loses AWSCURRENT gets AWSPREVIOUS. A token that
// names an existing version with the same value changes nothing; with
// another value it is ResourceExistsException.
func (s *Service) addVersion(sc *secret, token *string, str *model.Secret, bin []byte, stages []string, now time.Time) (*version, error) {
	if token != nil {
		if v := sc.versionByID(*token); v != nil {
			same, err := s.sameValue(sc.arn(), v, str, bin)
			if err != nil {
				return nil, err
			}
			if !same {
				return nil, newError(CodeExists, "You can't modify an existing version, you can only create a new version.")
			}
			return v, nil
		}
	}
	if stages == nil || sc.versionByStage(StageCurrent) == nil && !slices.Contains(stages, StageCurrent) && len(sc.doc.Versions) == 0 {
		stages = append(slices.Clone(stages), StageCurrent)
	}
	if len(stages) > maxStages {
		return nil, invalidParam("A version can't have more than %d staging labels.", maxStages)
	}
	vid, err := s.versionID(token)
	if err != nil {
		return nil, err
	}
	v := version{ID: vid, Created: now}
	if err := s.sealVersion(sc.arn(), &v, str, bin); err != nil {
		return nil, err
	}
	sc.doc.Versions = append(sc.doc.Versions, v)
	for _, st := range stages {
		moveStage(sc, st, vid)
	}
	prune(sc)
	sc.doc.LastChangedDate = now
	return sc.versionByID(vid), nil
}

// moveStage attaches stage to version to, removing it from any other
// version; moving AWSCURRENT gives AWSPREVIOUS to the version that had it.
func moveStage(sc *secret, stage, to string) {
	var from string
	for i := range sc.doc.Versions {
		v := &sc.doc.Versions[i]
		if v.ID != to && slices.Contains(v.Stages, stage) {
			from = v.ID
			v.Stages = slices.DeleteFunc(v.Stages, func(s string) bool { return s == stage })
		}
	}
	if v := sc.versionByID(to); v != nil && !slices.Contains(v.Stages, stage) {
		v.Stages = append(v.Stages, stage)
	}
	if stage == StageCurrent && from != "" {
		moveStage(sc, StagePrevious, from)
	}
}

// prune drops the oldest versions without staging labels beyond
// maxVersions (AWS removes such deprecated versions).
func prune(sc *secret) {
	for len(sc.doc.Versions) > maxVersions {
		i := slices.IndexFunc(sc.doc.Versions, func(v version) bool { return len(v.Stages) == 0 })
		if i < 0 {
			return
		}
		sc.doc.Versions = slices.Delete(sc.doc.Versions, i, i+1)
	}
}

// PutSecretValue adds a version.
func (s *Service) PutSecretValue(ctx context.Context, c *op.Call, in *PutSecretValueInput) (*PutSecretValueOutput, error) {
	if in.SecretString == nil && in.SecretBinary == nil {
		return nil, invalidParam("You must provide either SecretString or SecretBinary.")
	}
	if err := validateValue(in.SecretString, in.SecretBinary); err != nil {
		return nil, err
	}
	if err := validateToken(in.ClientRequestToken); err != nil {
		return nil, err
	}
	var v *version
	sc, err := s.mutate(ctx, c, in.SecretId, false, func(_ context.Context, _ store.Tx, sc *secret, now time.Time) error {
		var err error
		v, err = s.addVersion(sc, in.ClientRequestToken, in.SecretString, in.SecretBinary, in.VersionStages, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &PutSecretValueOutput{ARN: sc.arn(), Name: sc.doc.Name, VersionId: v.ID, VersionStages: append([]string{}, v.Stages...)}, nil
}

// UpdateSecret changes the description or KMS key and, with a value, adds
// an AWSCURRENT version.
func (s *Service) UpdateSecret(ctx context.Context, c *op.Call, in *UpdateSecretInput) (*UpdateSecretOutput, error) {
	if err := validateValue(in.SecretString, in.SecretBinary); err != nil {
		return nil, err
	}
	if err := validateToken(in.ClientRequestToken); err != nil {
		return nil, err
	}
	out := &UpdateSecretOutput{}
	sc, err := s.mutate(ctx, c, in.SecretId, false, func(_ context.Context, _ store.Tx, sc *secret, now time.Time) error {
		if in.Description != nil {
			sc.doc.Description = in.Description
		}
		if in.KmsKeyId != nil {
			sc.doc.KmsKeyID = in.KmsKeyId
		}
		if in.Type != nil {
			sc.doc.Type = in.Type
		}
		sc.doc.LastChangedDate = now
		if in.SecretString != nil || in.SecretBinary != nil {
			v, err := s.addVersion(sc, in.ClientRequestToken, in.SecretString, in.SecretBinary, nil, now)
			if err != nil {
				return err
			}
			out.VersionId = &v.ID
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.ARN, out.Name = sc.arn(), sc.doc.Name
	return out, nil
}

// DescribeSecret returns a secret's metadata (never its value); it works
// on a secret scheduled for deletion.
func (s *Service) DescribeSecret(ctx context.Context, c *op.Call, in *SecretIDInput) (*DescribeSecretOutput, error) {
	var sc *secret
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		sc, err = s.find(ctx, tx, c, in.SecretId, s.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	e := entryOf(sc)
	return &DescribeSecretOutput{ARN: e.ARN, Name: e.Name, Type: e.Type, Description: e.Description, KmsKeyId: e.KmsKeyId,
		RotationEnabled: e.RotationEnabled, LastChangedDate: e.LastChangedDate, LastAccessedDate: e.LastAccessedDate,
		DeletedDate: e.DeletedDate, Tags: e.Tags, VersionIdsToStages: e.SecretVersionsToStages, CreatedDate: e.CreatedDate,
		PrimaryRegion: e.PrimaryRegion}, nil
}

func entryOf(sc *secret) SecretListEntry {
	e := SecretListEntry{ARN: sc.arn(), Name: sc.doc.Name, Type: sc.doc.Type, Description: sc.doc.Description,
		KmsKeyId: sc.doc.KmsKeyID, RotationEnabled: ptr(false), LastAccessedDate: sc.doc.LastAccessedDate,
		DeletedDate: sc.doc.DeletedDate, CreatedDate: sc.res.CreateDate, PrimaryRegion: ptr(sc.doc.Region)}
	if !sc.doc.LastChangedDate.IsZero() {
		e.LastChangedDate = ptr(sc.doc.LastChangedDate)
	}
	if len(sc.res.Tags) > 0 {
		e.Tags = make([]Tag, 0, len(sc.res.Tags))
		for _, t := range sc.res.Tags {
			e.Tags = append(e.Tags, Tag{Key: ptr(t.Key), Value: ptr(t.Value)})
		}
	}
	if m := sc.versionsToStages(); len(m) > 0 {
		e.SecretVersionsToStages = m
	}
	return e
}

func (s *Service) authorizeDeleteSecret(ctx context.Context, c *op.Call, in *DeleteSecretInput) ([]op.Check, error) {
	keys := map[string][]string{}
	if in.ForceDeleteWithoutRecovery != nil {
		keys["secretsmanager:ForceDeleteWithoutRecovery"] = []string{strconv.FormatBool(*in.ForceDeleteWithoutRecovery)}
	}
	if in.RecoveryWindowInDays != nil {
		keys["secretsmanager:RecoveryWindowInDays"] = []string{strconv.FormatInt(*in.RecoveryWindowInDays, 10)}
	}
	return s.secretCheck(ctx, c, in.SecretId, "secretsmanager:DeleteSecret", keys)
}

// DeleteSecret schedules a secret's deletion after a recovery window (7 to
// 30 days, 30 by default) or, with ForceDeleteWithoutRecovery, deletes it
// at once.
func (s *Service) DeleteSecret(ctx context.Context, c *op.Call, in *DeleteSecretInput) (*DeleteSecretOutput, error) {
	force := in.ForceDeleteWithoutRecovery != nil && *in.ForceDeleteWithoutRecovery
	if force && in.RecoveryWindowInDays != nil {
		return nil, invalidParam("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.")
	}
	days := int64(30)
	if in.RecoveryWindowInDays != nil {
		days = *in.RecoveryWindowInDays
		if days < 7 || days > 30 {
			return nil, invalidParam("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
		}
	}
	now := s.callTime(c)
	var out *DeleteSecretOutput
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		sc, err := s.find(ctx, tx, c, in.SecretId, now)
		if err != nil {
			return err
		}
		out = &DeleteSecretOutput{ARN: sc.arn(), Name: sc.doc.Name, DeletionDate: now}
		if force {
			return tx.DeleteResource(ctx, c.Account, resourceType, sc.res.ID, 0)
		}
		if sc.deleted() {
			return invalidRequest(msgMarkedDeleted)
		}
		when := now.Add(time.Duration(days) * 24 * time.Hour)
		sc.doc.DeletedDate, sc.doc.DeletionDate = ptr(now), ptr(when)
		sc.res.Status = statusPendingDeletion
		out.DeletionDate = when
		return put(ctx, tx, c.Account, sc, now)
	})
	return out, err
}

// RestoreSecret cancels a scheduled deletion.
func (s *Service) RestoreSecret(ctx context.Context, c *op.Call, in *SecretIDInput) (*ARNNameOutput, error) {
	sc, err := s.mutate(ctx, c, in.SecretId, true, func(_ context.Context, _ store.Tx, sc *secret, _ time.Time) error {
		sc.doc.DeletedDate, sc.doc.DeletionDate = nil, nil
		sc.res.Status = ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ARNNameOutput{ARN: sc.arn(), Name: sc.doc.Name}, nil
}

// UpdateSecretVersionStage moves a staging label between versions.
func (s *Service) UpdateSecretVersionStage(ctx context.Context, c *op.Call, in *UpdateSecretVersionStageInput) (*ARNNameOutput, error) {
	if in.VersionStage == "" || len(in.VersionStage) > 256 {
		return nil, invalidParam("VersionStage must be 1-256 characters long.")
	}
	sc, err := s.mutate(ctx, c, in.SecretId, false, func(_ context.Context, _ store.Tx, sc *secret, now time.Time) error {
		holder := sc.versionByStage(in.VersionStage)
		if in.RemoveFromVersionId != nil {
			v := sc.versionByID(*in.RemoveFromVersionId)
			if v == nil || !slices.Contains(v.Stages, in.VersionStage) {
				return invalidParam("The staging label %s isn't attached to the version %s.", in.VersionStage, *in.RemoveFromVersionId)
			}
		}
		if in.MoveToVersionId != nil {
			to := sc.versionByID(*in.MoveToVersionId)
			if to == nil {
				return newError(CodeNotFound, "Secrets Manager can't find the specified secret value for VersionId: %s", *in.MoveToVersionId)
			}
			if holder != nil && holder.ID != to.ID && (in.RemoveFromVersionId == nil || *in.RemoveFromVersionId != holder.ID) {
				return invalidParam("The parameter RemoveFromVersionId can't be empty. Staging label %s is currently attached to version %s, so you must explicitly reference that version in RemoveFromVersionId.", in.VersionStage, holder.ID)
			}
			moveStage(sc, in.VersionStage, to.ID)
		} else if in.RemoveFromVersionId != nil {
			if in.VersionStage == StageCurrent {
				return invalidParam("You can't remove the staging label AWSCURRENT from a version without attaching it to another version.")
			}
			v := sc.versionByID(*in.RemoveFromVersionId)
			v.Stages = slices.DeleteFunc(v.Stages, func(s string) bool { return s == in.VersionStage })
		}
		sc.doc.LastChangedDate = now
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ARNNameOutput{ARN: sc.arn(), Name: sc.doc.Name}, nil
}

// TagResource adds or replaces tags.
func (s *Service) TagResource(ctx context.Context, c *op.Call, in *TagResourceInput) (*EmptyOutput, error) {
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	_, err := s.mutate(ctx, c, in.SecretId, false, func(_ context.Context, _ store.Tx, sc *secret, _ time.Time) error {
		for _, t := range in.Tags {
			sc.res.Tags = setTag(sc.res.Tags, deref(t.Key), deref(t.Value))
		}
		if len(sc.res.Tags) > maxTags {
			return invalidParam("You can't attach more than %d tags to a secret.", maxTags)
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
	_, err := s.mutate(ctx, c, in.SecretId, false, func(_ context.Context, _ store.Tx, sc *secret, _ time.Time) error {
		sc.res.Tags = slices.DeleteFunc(sc.res.Tags, func(t model.Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EmptyOutput{}, nil
}

// PutResourcePolicy attaches a resource-based policy.
func (s *Service) PutResourcePolicy(ctx context.Context, c *op.Call, in *PutResourcePolicyInput) (*ARNNameOutput, error) {
	if err := s.validate(in.ResourcePolicy); err != nil {
		return nil, newError(CodeMalformedPolicy, "%s", err.Error())
	}
	if in.BlockPublicPolicy != nil && *in.BlockPublicPolicy && grantsPublicAccess(in.ResourcePolicy) {
		return nil, newError(CodePublicPolicy, "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.")
	}
	sc, err := s.mutate(ctx, c, in.SecretId, false, func(_ context.Context, _ store.Tx, sc *secret, _ time.Time) error {
		sc.doc.ResourcePolicy = in.ResourcePolicy
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ARNNameOutput{ARN: sc.arn(), Name: sc.doc.Name}, nil
}

// GetResourcePolicy returns the resource policy, if any.
func (s *Service) GetResourcePolicy(ctx context.Context, c *op.Call, in *SecretIDInput) (*GetResourcePolicyOutput, error) {
	var sc *secret
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		sc, err = s.find(ctx, tx, c, in.SecretId, s.callTime(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &GetResourcePolicyOutput{ARN: sc.arn(), Name: sc.doc.Name}
	if sc.doc.ResourcePolicy != "" {
		out.ResourcePolicy = ptr(sc.doc.ResourcePolicy)
	}
	return out, nil
}

// DeleteResourcePolicy removes the resource policy.
func (s *Service) DeleteResourcePolicy(ctx context.Context, c *op.Call, in *SecretIDInput) (*ARNNameOutput, error) {
	sc, err := s.mutate(ctx, c, in.SecretId, false, func(_ context.Context, _ store.Tx, sc *secret, _ time.Time) error {
		sc.doc.ResourcePolicy = ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ARNNameOutput{ARN: sc.arn(), Name: sc.doc.Name}, nil
}

// ValidateResourcePolicy checks a policy document without storing it.
func (s *Service) ValidateResourcePolicy(ctx context.Context, c *op.Call, in *ValidateResourcePolicyInput) (*ValidateResourcePolicyOutput, error) {
	if in.SecretId != nil {
		if err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
			_, err := s.find(ctx, tx, c, *in.SecretId, s.callTime(c))
			return err
		}); err != nil {
			return nil, err
		}
	}
	if err := s.validate(in.ResourcePolicy); err != nil {
		return &ValidateResourcePolicyOutput{ValidationErrors: []ValidationErrorsEntry{{
			CheckName: ptr("SYNTAX_CHECK"), ErrorMessage: ptr(err.Error())}}}, nil
	}
	return &ValidateResourcePolicyOutput{PolicyValidationPassed: true, ValidationErrors: []ValidationErrorsEntry{}}, nil
}

// touch records that the secret was read today (DescribeSecret's
// LastAccessedDate, which AWS keeps to the day). It writes at most once a
// day per secret, and a failure only costs the date, not the read.
func (s *Service) touch(ctx context.Context, c *op.Call, sc *secret) {
	day := s.callTime(c).Truncate(24 * time.Hour)
	if sc.doc.LastAccessedDate != nil && !sc.doc.LastAccessedDate.Before(day) {
		return
	}
	err := s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		cur, err := s.find(ctx, tx, c, sc.arn(), s.callTime(c))
		if err != nil {
			return err
		}
		if cur.doc.LastAccessedDate != nil && !cur.doc.LastAccessedDate.Before(day) {
			return nil
		}
		cur.doc.LastAccessedDate = &day
		cur.res.UpdateDate = s.callTime(c)
		if err := cur.encode(); err != nil {
			return err
		}
		_, err = tx.UpdateResource(ctx, c.Account, cur.res)
		return err
	})
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "record the last access of a secret", slog.String("arn", sc.arn()), slog.Any("error", err))
	}
}

// grantsPublicAccess reports whether a resource policy has an Allow
// statement for every principal ("*" or {"AWS": "*"}) without a Condition
// that could narrow it: what BlockPublicPolicy refuses. A document that
// does not parse is not public (validation reports it).
func grantsPublicAccess(doc string) bool {
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	type statement struct {
		Effect    string
		Principal json.RawMessage
		Condition json.RawMessage
	}
	var list []statement
	if json.Unmarshal(p.Statement, &list) != nil {
		var one statement
		if json.Unmarshal(p.Statement, &one) != nil {
			return false
		}
		list = []statement{one}
	}
	isStar := func(raw json.RawMessage) bool {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s == "*"
		}
		var l []string
		if json.Unmarshal(raw, &l) == nil {
			return slices.Contains(l, "*")
		}
		return false
	}
	for _, st := range list {
		if st.Effect != "Allow" || len(st.Condition) > 0 && string(st.Condition) != "{}" {
			continue
		}
		if isStar(st.Principal) {
			return true
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(st.Principal, &m) == nil && isStar(m["AWS"]) {
			return true
		}
	}
	return false
}
