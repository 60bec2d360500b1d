package secretsmanager

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"abacus/internal/apierr"
	"abacus/internal/model"
	"abacus/internal/op"
)

// BatchGetSecretValueInput is the input of BatchGetSecretValue.
type BatchGetSecretValueInput struct {
	SecretIdList []string
	Filters      []Filter
	MaxResults   *int32
	NextToken    *string
}

// SecretValueEntry is one value in BatchGetSecretValue.
type SecretValueEntry struct {
	ARN           string
	Name          string
	VersionId     string
	SecretBinary  []byte
	SecretString  *model.Secret
	VersionStages []string
	CreatedDate   time.Time
}

// APIErrorType is one secret BatchGetSecretValue could not return.
type APIErrorType struct {
	SecretId  string
	ErrorCode string
	Message   string
}

// BatchGetSecretValueOutput is the output of BatchGetSecretValue.
type BatchGetSecretValueOutput struct {
	SecretValues []SecretValueEntry
	NextToken    *string
	Errors       []APIErrorType
}

// maxBatch bounds SecretIdList and MaxResults of BatchGetSecretValue.
const maxBatch = 20

// BatchGetSecretValue returns the AWSCURRENT values of up to 20 secrets,
// named in SecretIdList or selected by Filters. Each secret needs
// secretsmanager:GetSecretValue besides the call's
// secretsmanager:BatchGetSecretValue: a secret the caller may not read, or
// that does not exist, is reported in Errors and the others are returned
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html).
func (s *Service) BatchGetSecretValue(ctx context.Context, c *op.Call, in *BatchGetSecretValueInput) (*BatchGetSecretValueOutput, error) {
	if (len(in.SecretIdList) == 0) == (len(in.Filters) == 0) {
		return nil, invalidParam("Either SecretIdList or Filters must be provided, but not both.")
	}
	if len(in.SecretIdList) > maxBatch {
		return nil, invalidParam("SecretIdList can name at most %d secrets.", maxBatch)
	}
	if c.Authz == nil {
		return nil, errors.New("secretsmanager: BatchGetSecretValue needs the call's authorizer")
	}
	out := &BatchGetSecretValueOutput{SecretValues: []SecretValueEntry{}, Errors: []APIErrorType{}}
	ids := in.SecretIdList
	if len(in.Filters) > 0 {
		n := int32(maxBatch)
		if in.MaxResults != nil {
			if *in.MaxResults < 1 || *in.MaxResults > maxBatch {
				return nil, invalidParam("MaxResults must be between 1 and %d.", maxBatch)
			}
			n = *in.MaxResults
		}
		list, err := s.ListSecrets(ctx, c, &ListSecretsInput{Filters: in.Filters, MaxResults: &n, NextToken: in.NextToken})
		if err != nil {
			return nil, err
		}
		out.NextToken = list.NextToken
		ids = nil
		for _, e := range list.SecretList {
			ids = append(ids, e.ARN)
		}
	}
	for _, id := range ids {
		checks, err := s.secretCheck(ctx, c, id, "secretsmanager:GetSecretValue", nil)
		if err != nil {
			return nil, err
		}
		if err := c.Authz.Authorize(ctx, c, checks...); err != nil {
			var ae *apierr.Error
			if !errors.As(err, &ae) {
				return nil, err
			}
			out.Errors = append(out.Errors, APIErrorType{SecretId: id, ErrorCode: ae.Code, Message: ae.Message})
			continue
		}
		v, err := s.GetSecretValue(ctx, c, &GetSecretValueInput{SecretId: id})
		var se *Error
		switch {
		case errors.As(err, &se):
			out.Errors = append(out.Errors, APIErrorType{SecretId: id, ErrorCode: se.Code, Message: se.Message})
			continue
		case err != nil:
			return nil, err
		}
		out.SecretValues = append(out.SecretValues, SecretValueEntry{ARN: v.ARN, Name: v.Name, VersionId: v.VersionId,
			SecretBinary: v.SecretBinary, SecretString: v.SecretString, VersionStages: v.VersionStages, CreatedDate: v.CreatedDate})
	}
	return out, nil
}

// GetRandomPasswordInput is the input of GetRandomPassword.
type GetRandomPasswordInput struct {
	PasswordLength          *int64
	ExcludeCharacters       *string
	ExcludeNumbers          *bool
	ExcludePunctuation      *bool
	ExcludeUppercase        *bool
	ExcludeLowercase        *bool
	IncludeSpace            *bool
	RequireEachIncludedType *bool
}

// GetRandomPasswordOutput is the output of GetRandomPassword.
type GetRandomPasswordOutput struct {
	RandomPassword *model.Secret
}

// Character classes of GetRandomPassword.
const (
	lowercase   = "abcdefghijklmnopqrstuvwxyz"
	uppercase   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numbers     = "0123456789"
	punctuation = `!"#$%&'()*+,-./:;<=>?@[\]^_` + "`" + `{|}~`
)

// GetRandomPassword returns a random password of PasswordLength (32 by
// default, 1 to 4096) characters from the classes not excluded, with at
// least one of each included class unless RequireEachIncludedType is
// false.
func (s *Service) GetRandomPassword(_ context.Context, _ *op.Call, in *GetRandomPasswordInput) (*GetRandomPasswordOutput, error) {
	n := int64(32)
	if in.PasswordLength != nil {
		n = *in.PasswordLength
	}
	if n < 1 || n > 4096 {
		return nil, invalidParam("PasswordLength must be between 1 and 4096.")
	}
	excl := ""
	if in.ExcludeCharacters != nil {
		excl = *in.ExcludeCharacters
	}
	on := func(b *bool) bool { return b == nil || !*b }
	var classes []string
	add := func(set string, include bool) {
		if !include {
			return
		}
		set = strings.Map(func(r rune) rune {
			if strings.ContainsRune(excl, r) {
				return -1
			}
			return r
		}, set)
		if set != "" {
			classes = append(classes, set)
		}
	}
	add(lowercase, on(in.ExcludeLowercase))
	add(uppercase, on(in.ExcludeUppercase))
	add(numbers, on(in.ExcludeNumbers))
	add(punctuation, on(in.ExcludePunctuation))
	add(" ", in.IncludeSpace != nil && *in.IncludeSpace)
	if len(classes) == 0 {
		return nil, invalidParam("The password can't be generated: every character type is excluded.")
	}
	require := in.RequireEachIncludedType == nil || *in.RequireEachIncludedType
	if require && int(n) < len(classes) {
		return nil, invalidParam("PasswordLength is too short to include each included character type.")
	}
	all := strings.Join(classes, "")
	for {
		pw := make([]byte, n)
		for i := range pw {
			j, err := s.randIndex(len(all))
			if err != nil {
				return nil, err
			}
			pw[i] = all[j]
		}
		if !require || slices.IndexFunc(classes, func(cl string) bool { return !strings.ContainsAny(string(pw), cl) }) < 0 {
			p := model.Secret(pw)
			return &GetRandomPasswordOutput{RandomPassword: &p}, nil
		}
	}
}

// randIndex returns a uniform random index below n (n <= 256) by
// rejection sampling.
func (s *Service) randIndex(n int) (int, error) {
	limit := 256 - 256%n
	var b [1]byte
	for {
		if _, err := io.ReadFull(s.rand, b[:]); err != nil {
			return 0, fmt.Errorf("random password: %w", err)
		}
		if int(b[0]) < limit {
			return int(b[0]) % n, nil
		}
	}
}
