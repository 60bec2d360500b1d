// Package s3 implements Amazon S3 for abacus: buckets (create, head, list,
// delete, location, tagging, policy), objects (put, get with ranges and
// conditional headers, head, delete, batch delete, copy, tagging),
// multipart uploads (create, upload part, complete, abort, list parts) and
// listings (ListObjectsV2 and ListObjects with prefix, delimiter and
// continuation).
//
//	svc := s3.New(s3.Options{Store: st, Blobs: blobs})
//	s3.Register(reg, svc)              // one op.Register per operation
//	mappers = append(mappers, s3.MapError)
//
// Metadata (buckets, objects, uploads, parts) is kept in the generic
// resource store: a bucket under its owner's account, its objects, uploads
// and parts under the same account keyed by "BUCKET/KEY" (so a listing by
// prefix is a range scan). Object bytes are blobs (package blob): a put
// streams the body through MD5 and the requested flexible checksums into a
// temporary file, which becomes visible only when the metadata naming it
// commits; an interrupted or failed upload leaves nothing. A completed
// multipart upload keeps its parts' blobs as the object's segments, so
// completing copies nothing.
//
// Every operation authorizes with S3's real actions, ARNs and condition
// keys (s3:prefix, s3:delimiter, s3:max-keys, s3:ExistingObjectTag/*,
// s3:RequestObjectTag/*, s3:RequestObjectTagKeys, s3:x-amz-acl,
// s3:x-amz-copy-source, s3:x-amz-metadata-directive), with the bucket
// policy as the resource-based policy and the bucket owner as the resource
// account. Buckets are unversioned; versionId parameters are accepted but
// address the only version. GetObject's and HeadObject's partNumber
// addresses a part of an object completed by multipart upload (each part
// stays its own segment), and part 1 of any other object.
package s3
