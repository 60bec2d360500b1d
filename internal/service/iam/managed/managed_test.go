package managed_test

import (
	"encoding/json"
	"strings"
	"testing"

	"abacus/internal/service/iam/managed"
)

func TestAll(t *testing.T) {
	ps, err := managed.All()
	if err != nil {
		t.Fatal(err)
	}
	byName := make(map[string]managed.Policy, len(ps))
	ids := make(map[string]string, len(ps))
	for _, p := range ps {
		if p.ARN != "arn:aws:iam::aws:policy"+p.Path+p.Name {
			t.Errorf("%s: ARN %q does not match path %q", p.Name, p.ARN, p.Path)
		}
		if !strings.HasPrefix(p.DefaultVersionID, "v") || p.CreateDate.IsZero() || p.UpdateDate.IsZero() {
			t.Errorf("%s: incomplete record %+v", p.Name, p)
		}
		var doc struct {
			Version   string
			Statement json.RawMessage
		}
		if err := json.Unmarshal([]byte(p.Document), &doc); err != nil || doc.Statement == nil {
			t.Errorf("%s: document is not a policy: %v", p.Name, err)
		}
		id := p.ID()
		if len(id) != 21 || !strings.HasPrefix(id, "ANPA") {
			t.Errorf("%s: ID %q", p.Name, id)
		}
		if other, dup := ids[id]; dup {
			t.Errorf("ID %s shared by %s and %s", id, other, p.Name)
		}
		ids[id] = p.Name
		byName[p.Name] = p
	}
	for _, name := range []string{
		"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "IAMFullAccess",
		"AmazonSageMakerFullAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess",
		"SecretsManagerReadWrite", "AmazonEMRFullAccessPolicy_v2",
	} {
		if _, ok := byName[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}
	admin := byName["AdministratorAccess"]
	if want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`; admin.Document != want {
		t.Errorf("AdministratorAccess document = %s, want %s", admin.Document, want)
	}
}
