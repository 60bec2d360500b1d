package policy

import "testing"

// TestHashCollisionFallback forces the action index's collision path:
// with collided set and the hashed entries gone, the string-keyed index
// must give the same candidates.
func TestHashCollisionFallback(t *testing.T) {
	p, err := CompileJSON([]byte(`{"Version":"2012-10-17","Statement":[
		{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
		{"Sid":"B","Effect":"Allow","Action":"s3:Put*","Resource":"*"}]}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSet(p)
	s.collided = true
	clear(s.actH)
	clear(s.svcH)
	r := &Request{Action: "S3:GETOBJECT", Resource: "x"}
	if d, m := s.Evaluate(r, nil); d != Allowed || len(m) != 1 || m[0].Sid != "A" {
		t.Errorf("exact action through the string index: %v %+v", d, m)
	}
	r.Action = "s3:PutObject"
	if d, m := s.Evaluate(r, nil); d != Allowed || len(m) != 1 || m[0].Sid != "B" {
		t.Errorf("service wildcard through the string index: %v %+v", d, m)
	}
	r.Action = "s3:" + string(make([]byte, 200))
	if d, _ := s.Evaluate(r, nil); d != ImplicitDeny {
		t.Errorf("long action: %v", d)
	}
	empty := NewSet()
	empty.collided = true
	if l, ok := empty.exactSlow("s3:x"); ok || l != nil {
		t.Error("empty index")
	}
}

func TestAddHashedCollision(t *testing.T) {
	m := map[uint64]hashEntry{}
	if addHashed(m, 7, "a", nil) || !addHashed(m, 7, "b", nil) || m[7].key != "a" {
		t.Errorf("collision handling: %+v", m)
	}
	if asciiEqualFold("ab", "abc") || !asciiEqualFold("AB", "ab") {
		t.Error("asciiEqualFold")
	}
}
