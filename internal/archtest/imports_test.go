package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "abacus"

// file is what the rules look at in one non-test Go file: its package
// directory (relative to the module root, slash-separated), its imports,
// and the members of net/http it names.
type file struct {
	path    string   // e.g. internal/service/s3/object.go
	pkg     string   // e.g. internal/service/s3
	imports []string // import paths
	http    []string // selectors on the net/http import, e.g. StatusBadRequest
	inits   int      // func init() declarations
}

// rule is one constraint on the files of the packages it applies to.
type rule struct {
	name    string                // the STYLE sentence it encodes
	applies func(pkg string) bool // which packages it constrains
	check   func(f file) []string // the violations in f, each "imports X" or similar
}

// under reports whether pkg is dir or below it.
func under(dir string) func(string) bool {
	return func(pkg string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }
}

func internalOf(imp string) (string, bool) {
	rest, ok := strings.CutPrefix(imp, module+"/")
	return rest, ok
}

// forbid reports imports equal to or below any of the given paths
// (module-relative for abacus packages, as they are for others).
func forbid(paths ...string) func(file) []string {
	return func(f file) []string {
		var out []string
		for _, imp := range f.imports {
			p := imp
			if in, ok := internalOf(imp); ok {
				p = in
			}
			for _, bad := range paths {
				if p == bad || strings.HasPrefix(p, bad+"/") {
					out = append(out, "imports "+imp)
				}
			}
		}
		return out
	}
}

// onlyInternal reports abacus imports other than the allowed packages
// (each allowing its subpackages) and the file's own package tree.
func onlyInternal(allowed ...string) func(file) []string {
	return func(f file) []string {
		var out []string
		for _, imp := range f.imports {
			in, ok := internalOf(imp)
			if !ok || under(in)(f.pkg) || strings.HasPrefix(in, f.pkg+"/") {
				continue
			}
			if !slices.ContainsFunc(allowed, func(a string) bool { return under(a)(in) }) {
				out = append(out, "imports "+imp)
			}
		}
		return out
	}
}

func both(checks ...func(file) []string) func(file) []string {
	return func(f file) []string {
		var out []string
		for _, c := range checks {
			out = append(out, c(f)...)
		}
		return out
	}
}

// testOnly are packages written for tests: conformance suites and
// checkers that the product must not link.
var testOnly = []string{
	"internal/store/storetest", "internal/audit/audittest",
	"internal/protocol/botocoretest", "internal/protocol/shapecheck",
}

// concreteBackends are the storage implementations that only cmd picks.
var concreteBackends = []string{"internal/store/sqlite", "internal/store/postgres"}

var rules = []rule{
	{
		name:    "policy must never import net/http, database/sql, log/slog, store or server; it imports only arn",
		applies: under("internal/policy"),
		check: both(forbid("net/http", "database/sql", "log/slog", "internal/store", "internal/server"),
			onlyInternal("internal/arn")),
	},
	{
		name:    "arn: ARN parse/format/match. Leaf package",
		applies: under("internal/arn"),
		check:   onlyInternal(),
	},
	{
		name:    "authz -> policy, arn, model",
		applies: under("internal/authz"),
		check:   onlyInternal("internal/policy", "internal/arn", "internal/model"),
	},
	{
		name:    "apierr -> (nothing internal)",
		applies: under("internal/apierr"),
		check:   onlyInternal(),
	},
	{
		name:    "model: plain persisted data types. No I/O",
		applies: under("internal/model"),
		check:   both(onlyInternal(), forbid("net/http", "database/sql", "os")),
	},
	{
		name:    "protocol/* must never import store",
		applies: under("internal/protocol"),
		check:   forbid("internal/store"),
	},
	{
		name: "service/* -> authz, model, its own store interfaces; services never import protocol " +
			"(here also: no server, sigv4, audit, another service, or a concrete backend)",
		applies: under("internal/service"),
		check: onlyInternal("internal/apierr", "internal/arn", "internal/authz", "internal/blob", "internal/model",
			"internal/op", "internal/policy", "internal/principal", "internal/store"),
	},
	{
		// AWS's error shapes carry an HTTP status (botocore's
		// "error": {"httpStatusCode": ...}), so a service may name one;
		// nothing else of net/http.
		name:    "services never import net/http: they take and return Go structs (status codes excepted)",
		applies: under("internal/service"),
		check: func(f file) []string {
			var out []string
			for _, sel := range f.http {
				if !strings.HasPrefix(sel, "Status") {
					out = append(out, "uses net/http."+sel)
				}
			}
			return out
		},
	},
	{
		name:    "store -> model; store/sqlite, store/postgres -> store, model",
		applies: under("internal/store"),
		check:   onlyInternal("internal/store", "internal/model"),
	},
	{
		name:    "nothing imports a concrete backend except cmd and tests",
		applies: func(pkg string) bool { return !under("cmd")(pkg) },
		check: func(f file) []string {
			var out []string
			for _, v := range forbid(concreteBackends...)(f) {
				// A backend's own files import themselves' subpackages.
				if !slices.ContainsFunc(concreteBackends, func(b string) bool { return under(b)(f.pkg) }) {
					out = append(out, v)
				}
			}
			return out
		},
	},
	{
		name: "conformance suites and test checkers are imported by tests only",
		applies: func(pkg string) bool {
			return !slices.ContainsFunc(testOnly, func(t string) bool { return under(t)(pkg) })
		},
		check: forbid(testOnly...),
	},
	{
		name:    "no init() registration",
		applies: func(string) bool { return true },
		check: func(f file) []string {
			if f.inits > 0 {
				return []string{"declares func init()"}
			}
			return nil
		},
	},
}

// violations applies every rule to every file and returns each violation
// as "FILE VIOLATION: RULE", sorted.
func violations(files []file, rules []rule) []string {
	var out []string
	for _, f := range files {
		for _, r := range rules {
			if !r.applies(f.pkg) {
				continue
			}
			for _, v := range r.check(f) {
				out = append(out, fmt.Sprintf("%s %s: %s", f.path, v, r.name))
			}
		}
	}
	sort.Strings(out)
	return out
}

// moduleRoot walks up from the working directory to the go.mod of module.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			if strings.HasPrefix(string(b), "module "+module+"\n") {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod of module %s above the working directory", module)
		}
		dir = parent
	}
}

// readFiles parses every non-test Go file under root's internal/ and cmd/,
// skipping testdata and other modules.
func readFiles(t *testing.T, root string) []file {
	t.Helper()
	var files []file
	fset := token.NewFileSet()
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
				return nil
			}
			if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			af, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			f := file{path: rel, pkg: pathDir(rel)}
			httpName := ""
			for _, is := range af.Imports {
				imp, _ := strconv.Unquote(is.Path.Value)
				f.imports = append(f.imports, imp)
				if imp == "net/http" {
					httpName = "http"
					if is.Name != nil {
						httpName = is.Name.Name
					}
				}
			}
			for _, decl := range af.Decls {
				if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
					f.inits++
				}
			}
			if httpName != "" {
				ast.Inspect(af, func(n ast.Node) bool {
					if se, ok := n.(*ast.SelectorExpr); ok {
						if id, ok := se.X.(*ast.Ident); ok && id.Name == httpName {
							f.http = append(f.http, se.Sel.Name)
						}
					}
					return true
				})
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

func pathDir(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return "."
}

// TestImportDirection enforces STYLE section 2 on the module's code and
// reports every violation at once.
func TestImportDirection(t *testing.T) {
	files := readFiles(t, moduleRoot(t))
	pkgs := map[string]bool{}
	for _, f := range files {
		pkgs[f.pkg] = true
	}
	// The walk must have found the packages the rules are about, or every
	// rule would pass vacuously.
	for _, p := range []string{"internal/policy", "internal/authz", "internal/arn", "internal/apierr", "internal/model",
		"internal/service/iam", "internal/service/s3", "internal/store/sqlite", "internal/protocol/awsquery", "cmd/abacus"} {
		if !pkgs[p] {
			t.Errorf("package %s not found: the walk is broken", p)
		}
	}
	for _, v := range violations(files, rules) {
		t.Error(v)
	}
}

// TestRulesCatchViolations proves that the checker can fail: synthetic
// files that break each kind of rule are reported, clean ones are not.
func TestRulesCatchViolations(t *testing.T) {
	for _, c := range []struct {
		name string
		f    file
		want int // violations expected
	}{
		{"policy imports store", file{path: "internal/policy/x.go", pkg: "internal/policy", imports: []string{"abacus/internal/store"}}, 2},
		{"policy imports net/http", file{path: "internal/policy/x.go", pkg: "internal/policy", imports: []string{"net/http"}}, 1},
		{"policy imports arn", file{path: "internal/policy/x.go", pkg: "internal/policy", imports: []string{"abacus/internal/arn", "strings"}}, 0},
		{"authz imports server", file{path: "internal/authz/x.go", pkg: "internal/authz", imports: []string{"abacus/internal/server"}}, 1},
		{"authz imports policy", file{path: "internal/authz/x.go", pkg: "internal/authz", imports: []string{"abacus/internal/policy"}}, 0},
		{"apierr imports model", file{path: "internal/apierr/x.go", pkg: "internal/apierr", imports: []string{"abacus/internal/model"}}, 1},
		{"protocol imports store", file{path: "internal/protocol/awsjson/x.go", pkg: "internal/protocol/awsjson", imports: []string{"abacus/internal/store"}}, 1},
		{"service imports protocol", file{path: "internal/service/s3/x.go", pkg: "internal/service/s3", imports: []string{"abacus/internal/protocol/restxml"}}, 1},
		{"service imports another service", file{path: "internal/service/s3/x.go", pkg: "internal/service/s3", imports: []string{"abacus/internal/service/iam"}}, 1},
		{"service imports its own subpackage", file{path: "internal/service/iam/x.go", pkg: "internal/service/iam", imports: []string{"abacus/internal/service/iam/managed"}}, 0},
		{"service uses http.Request", file{path: "internal/service/s3/x.go", pkg: "internal/service/s3", imports: []string{"net/http"}, http: []string{"StatusOK", "Request"}}, 1},
		{"service uses status codes", file{path: "internal/service/s3/x.go", pkg: "internal/service/s3", imports: []string{"net/http"}, http: []string{"StatusNotFound"}}, 0},
		{"server imports sqlite", file{path: "internal/server/x.go", pkg: "internal/server", imports: []string{"abacus/internal/store/sqlite"}}, 1},
		{"cmd imports sqlite", file{path: "cmd/abacus/x.go", pkg: "cmd/abacus", imports: []string{"abacus/internal/store/sqlite"}}, 0},
		{"product imports storetest", file{path: "internal/server/x.go", pkg: "internal/server", imports: []string{"abacus/internal/store/storetest"}}, 1},
		{"init registration", file{path: "internal/store/sqlite/x.go", pkg: "internal/store/sqlite", inits: 1}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := violations([]file{c.f}, rules)
			if len(got) != c.want {
				t.Errorf("violations = %q, want %d", got, c.want)
			}
		})
	}
}
