package s3_test

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"

	"abacus/internal/service/s3"
)

// TestConcurrentOverwriteAndRead overwrites one key from several
// goroutines while others read it: every read returns one written version
// whole, never a mix or a truncation, and the last write wins.
func TestConcurrentOverwriteAndRead(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t)
	ctx := context.Background()
	c := call(acct)
	if _, err := svc.CreateBucket(ctx, c, &s3.CreateBucketInput{Bucket: "race"}); err != nil {
		t.Fatal(err)
	}
	versions := make([][]byte, 8)
	for i := range versions {
		versions[i] = bytes.Repeat([]byte{byte('a' + i)}, 1000+i*7919)
	}
	if _, err := svc.PutObject(ctx, c, &s3.PutObjectInput{Bucket: "race", Key: "k", Body: bytes.NewReader(versions[0])}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				v := versions[(w*10+i)%len(versions)]
				if _, err := svc.PutObject(ctx, c, &s3.PutObjectInput{Bucket: "race", Key: "k", Body: bytes.NewReader(v)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				out, err := svc.GetObject(ctx, c, &s3.GetObjectInput{Bucket: "race", Key: "k"})
				if err != nil {
					errs <- err
					return
				}
				b, err := io.ReadAll(out.Body)
				out.Body.Close()
				if err != nil {
					errs <- err
					return
				}
				ok := false
				for _, v := range versions {
					ok = ok || bytes.Equal(b, v)
				}
				if !ok || int64(len(b)) != *out.ContentLength {
					t.Errorf("read %d bytes (Content-Length %d) that are no written version", len(b), *out.ContentLength)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
