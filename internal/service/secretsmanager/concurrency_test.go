package secretsmanager_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"abacus/internal/model"
	sm "abacus/internal/service/secretsmanager"
)

// TestConcurrentPuts: concurrent PutSecretValue calls on one secret all
// succeed, each adds one version, and exactly one ends AWSCURRENT and one
// AWSPREVIOUS (run with -race).
func TestConcurrentPuts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.CreateSecret(f.ctx, f.call(0), &sm.CreateSecretInput{Name: "s", SecretString: secret("v0")}); err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		c := *f.c
		c.Now = t0.Add(time.Second)
		c.RequestID = fmt.Sprintf("put-%d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := model.Secret(fmt.Sprintf("v%d", i+1))
			_, err := f.svc.PutSecretValue(f.ctx, &c, &sm.PutSecretValueInput{SecretId: "s", SecretString: &v})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	l, err := f.svc.ListSecretVersionIds(f.ctx, f.call(time.Minute), &sm.ListSecretVersionIdsInput{SecretId: "s", IncludeDeprecated: new(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Versions) != n+1 {
		t.Fatalf("%d versions, want %d", len(l.Versions), n+1)
	}
	counts := map[string]int{}
	for _, v := range l.Versions {
		for _, st := range v.VersionStages {
			counts[st]++
		}
	}
	if counts["AWSCURRENT"] != 1 || counts["AWSPREVIOUS"] != 1 {
		t.Errorf("stage counts %v, want one AWSCURRENT and one AWSPREVIOUS", counts)
	}
}
