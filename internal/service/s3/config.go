package s3

import (
	"context"
	"net/http"

	"abacus/internal/op"
	"abacus/internal/store"
)

// Bucket configurations abacus does not model (CORS, websites, lifecycle,
// replication, encryption, object lock, logging, acceleration, request
// payment, versioning) read as S3 answers for a bucket that has none, so
// that clients reading a bucket's whole state (Terraform's aws_s3_bucket
// refresh) see a plain new bucket. Each is authorized with its own action.

// Grantee is the subject of an ACL grant.
type Grantee struct {
	// XMLNSXsi declares the xsi namespace of the Type attribute; it is not
	// a model member.
	XMLNSXsi    string  `aws:",xmlattr,xml=xmlns:xsi"`
	DisplayName *string `aws:",omitempty"`
	ID          *string
	Type        string `aws:",required,xmlattr,xml=xsi:type"`
}

// Grant is one ACL grant.
type Grant struct {
	Grantee    *Grantee
	Permission *string
}

// GetBucketAclOutput is the output of GetBucketAcl.
type GetBucketAclOutput struct {
	Owner  *Owner
	Grants []Grant `aws:",member=Grant,xml=AccessControlList"`
}

// GetBucketVersioningOutput is the output of GetBucketVersioning: empty
// for a bucket whose versioning was never enabled.
type GetBucketVersioningOutput struct {
	Status    *string
	MFADelete *string `aws:",xml=MfaDelete"`
}

// GetBucketAccelerateConfigurationOutput is the output of
// GetBucketAccelerateConfiguration.
type GetBucketAccelerateConfigurationOutput struct {
	Status *string
}

// GetBucketRequestPaymentOutput is the output of GetBucketRequestPayment.
type GetBucketRequestPaymentOutput struct {
	Payer *string
}

// GetBucketLoggingOutput is the output of GetBucketLogging: empty when
// logging is off.
type GetBucketLoggingOutput struct{}

// notConfigured lists the configuration reads whose absence is a 404 with
// its own code, and the action each is authorized with (Service
// Authorization Reference).
var notConfigured = []struct {
	op, action, code, message string
}{
	{"GetBucketCors", "s3:GetBucketCORS", "NoSuchCORSConfiguration", "The CORS configuration does not exist"},
	{"GetBucketWebsite", "s3:GetBucketWebsite", "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"},
	{"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"},
	{"GetBucketReplication", "s3:GetReplicationConfiguration", "ReplicationConfigurationNotFoundError", "The replication configuration was not found"},
	{"GetBucketEncryption", "s3:GetEncryptionConfiguration", "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found"},
	{"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"},
}

// existing runs a bucket read: NoSuchBucket first, then fn.
func (s *Service) existing(ctx context.Context, name string) (bucket, error) {
	var b bucket
	err := s.view(ctx, func(ctx context.Context, tx store.ReadTx) error {
		var err error
		b, err = loadBucket(ctx, tx, name)
		return err
	})
	return b, err
}

func registerConfig(r *op.Registry, s *Service) {
	const svc = "s3"
	on := func(action string) func(context.Context, *op.Call, *BucketInput) ([]op.Check, error) {
		return func(ctx context.Context, _ *op.Call, in *BucketInput) ([]op.Check, error) {
			return s.bucketCheck(ctx, in.Bucket, action, nil)
		}
	}
	op.Register(r, op.Spec[BucketInput, GetBucketAclOutput]{Service: svc, Name: "GetBucketAcl", ReadOnly: true, Authorize: on("s3:GetBucketAcl"),
		Handle: func(ctx context.Context, _ *op.Call, in *BucketInput) (*GetBucketAclOutput, error) {
			b, err := s.existing(ctx, in.Bucket)
			if err != nil {
				return nil, err
			}
			id := canonicalID(b.owner)
			// A new bucket's ACL: its owner has FULL_CONTROL.
			return &GetBucketAclOutput{Owner: &Owner{ID: &id}, Grants: []Grant{{
				Grantee:    &Grantee{XMLNSXsi: "http://www.w3.org/2001/XMLSchema-instance", ID: &id, Type: "CanonicalUser"},
				Permission: ptr("FULL_CONTROL"),
			}}}, nil
		}})
	op.Register(r, op.Spec[BucketInput, GetBucketVersioningOutput]{Service: svc, Name: "GetBucketVersioning", ReadOnly: true, Authorize: on("s3:GetBucketVersioning"),
		Handle: func(ctx context.Context, _ *op.Call, in *BucketInput) (*GetBucketVersioningOutput, error) {
			if _, err := s.existing(ctx, in.Bucket); err != nil {
				return nil, err
			}
			return &GetBucketVersioningOutput{}, nil
		}})
	op.Register(r, op.Spec[BucketInput, GetBucketAccelerateConfigurationOutput]{Service: svc, Name: "GetBucketAccelerateConfiguration", ReadOnly: true,
		Authorize: on("s3:GetAccelerateConfiguration"),
		Handle: func(ctx context.Context, _ *op.Call, in *BucketInput) (*GetBucketAccelerateConfigurationOutput, error) {
			if _, err := s.existing(ctx, in.Bucket); err != nil {
				return nil, err
			}
			return &GetBucketAccelerateConfigurationOutput{}, nil
		}})
	op.Register(r, op.Spec[BucketInput, GetBucketRequestPaymentOutput]{Service: svc, Name: "GetBucketRequestPayment", ReadOnly: true,
		Authorize: on("s3:GetBucketRequestPayment"),
		Handle: func(ctx context.Context, _ *op.Call, in *BucketInput) (*GetBucketRequestPaymentOutput, error) {
			if _, err := s.existing(ctx, in.Bucket); err != nil {
				return nil, err
			}
			return &GetBucketRequestPaymentOutput{Payer: ptr("BucketOwner")}, nil
		}})
	op.Register(r, op.Spec[BucketInput, GetBucketLoggingOutput]{Service: svc, Name: "GetBucketLogging", ReadOnly: true, Authorize: on("s3:GetBucketLogging"),
		Handle: func(ctx context.Context, _ *op.Call, in *BucketInput) (*GetBucketLoggingOutput, error) {
			if _, err := s.existing(ctx, in.Bucket); err != nil {
				return nil, err
			}
			return &GetBucketLoggingOutput{}, nil
		}})
	for _, nc := range notConfigured {
		op.Register(r, op.Spec[BucketInput, Empty]{Service: svc, Name: nc.op, ReadOnly: true, Authorize: on(nc.action),
			Handle: func(ctx context.Context, _ *op.Call, in *BucketInput) (*Empty, error) {
				if _, err := s.existing(ctx, in.Bucket); err != nil {
					return nil, err
				}
				return nil, newError(http.StatusNotFound, nc.code, "%s", nc.message).with("BucketName", in.Bucket)
			}})
	}
}
