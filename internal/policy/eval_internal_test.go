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
	s.actH, s.svcH = nil, nil
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
	r.Action = "nocolon"
	if d, _ := s.Evaluate(r, nil); d != ImplicitDeny {
		t.Errorf("action without a service prefix: %v", d)
	}
	fresh := NewSet(p)
	if d, _ := fresh.Evaluate(r, nil); d != ImplicitDeny {
		t.Errorf("action without a service prefix: %v", d)
	}
	empty := NewSet()
	empty.collided = true
	if l, ok := empty.exactSlow("s3:x"); ok || l != nil {
		t.Error("empty index")
	}
}

func TestHashIndex(t *testing.T) {
	// Two keys whose hashes collide cannot be found by brute force, so
	// the collision path is checked on an index built by hand.
	x := hashIndex{{h: 1, key: "a"}, {h: 1, key: "b"}}
	if _, c := buildHashIndex(nil, map[string][]sref{"a": nil, "b": nil}, nil, keyHash); c {
		t.Error("distinct keys reported as colliding")
	}
	same := func(string) uint64 { return 1 }
	if idx, c := buildHashIndex(nil, map[string][]sref{"b": nil, "a": nil}, map[string]string{"a": "A"}, same); !c || len(idx) != 1 || idx[0].key != "A" {
		t.Errorf("colliding keys: %+v, %v", idx, c)
	}
	if e, ok := x.find(1); !ok || e.key != "a" {
		t.Error("find")
	}
	big := map[string][]sref{}
	for i := range 40 {
		big[string(rune('a'+i))+":x"] = []sref{{res: uint8(i)}}
	}
	idx, _ := buildHashIndex(nil, big, nil, keyHash)
	for k, l := range big {
		if e, ok := idx.find(keyHash(k)); !ok || e.key != k || e.list[0].res != l[0].res {
			t.Fatalf("find(%q) in a large index", k)
		}
	}
	if _, ok := idx.find(12345); ok {
		t.Error("found a missing hash")
	}
	if _, ok := x.find(2); ok {
		t.Error("found a missing hash in a small index")
	}
	if asciiEqualFold("ab", "abc") || !asciiEqualFold("AB", "ab") {
		t.Error("asciiEqualFold")
	}
}

// TestEqualLowered covers the key comparison a Context makes after a hash
// match, including the mismatch only a hash collision could reach.
func TestEqualLowered(t *testing.T) {
	if !equalLowered([]byte("aws:username"), "AWS:UserName") {
		t.Error("keys differing in ASCII case")
	}
	if equalLowered([]byte("aws:username"), "aws:usernamf") {
		t.Error("different keys of one length")
	}
}

// TestFoldEqual checks the word-at-a-time case-insensitive compare of
// actions against asciiEqualFold for every pair of bytes, at offsets in
// the first and second whole word and in the tail of a longer string.
func TestFoldEqual(t *testing.T) {
	const base = "sageMaker:DescribeTrainingJob"
	for _, i := range []int{0, 7, 8, 15, 16, 27, 28} {
		for a := range 256 {
			lit := []byte(base)
			lit[i] = byte(a)
			lower, mask := foldForm(string(lit))
			for b := range 256 {
				s := []byte(base)
				s[i] = byte(b)
				if got, want := foldEqual(string(s), lower, mask), asciiEqualFold(string(s), string(lit)); got != want {
					t.Fatalf("foldEqual(%q, %q) = %v, want %v", s, lit, got, want)
				}
			}
		}
	}
}
