package archtest

import (
	"bufio"
	"bytes"
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

// module is the path of the module whose code the rules govern.
const module = "abacus"

// file is what the rules see of one non-test Go file.
type file struct {
	path    string   // module-relative, slash-separated: "internal/service/s3/object.go"
	pkg     string   // import path of its directory: "abacus/internal/service/s3"
	imports []imp    // in source order
	inits   []string // positions of func init() declarations ("line 12")
}

// imp is one import spec of a file.
type imp struct {
	path  string   // "net/http"
	name  string   // "" (default), "_", "." or an explicit name
	names []string // identifiers the file selects from it (http.StatusOK -> "StatusOK")
}

// rule is one row of the table: a constraint on the non-test files of the
// packages matching pkgs (and not except).
//
// Patterns are import paths; "x/..." matches x and every package below it,
// as in the go command.
type rule struct {
	id     string   // short name, used by allowances
	style  string   // the STYLE.md wording the rule encodes, quoted in every report
	pkgs   []string // packages constrained
	except []string // packages exempt
	deny   []string // imports forbidden
	// only, when onlyInternal is set, lists the abacus/... packages the
	// constrained packages may import, besides their own subpackages.
	// Anything else under module is forbidden.
	only         []string
	onlyInternal bool
	noInit       bool // forbids func init()
	noBlank      bool // forbids "_" imports, except of "embed" (the //go:embed marker)
}

// allowance is a known violation, kept with a reason. It covers exactly one
// file, one import and one rule. If names is set, the file may use only
// identifiers of the import that begin with that prefix.
type allowance struct {
	file, imp, rule string
	names           string
	reason          string
}

// Packages referred to by more than one rule.
var (
	// testOnly are packages written for tests: conformance suites and test
	// checkers. They import "testing"; product code must not link them.
	//   - store/storetest: "THE conformance suite; every backend's test calls storetest.Run" (STYLE §1);
	//   - audit/audittest: "audit/audittest conformance" (§1), "audittest.Run, modelled on testing/slogtest" (§6);
	//   - protocol/botocoretest: runs botocore's serializers and parsers "from Go tests" (its doc);
	//   - protocol/shapecheck: "checks, in tests, that a service's Go types agree with botocore" (its doc).
	testOnly = []string{
		module + "/internal/store/storetest/...",
		module + "/internal/audit/audittest/...",
		module + "/internal/protocol/botocoretest/...",
		module + "/internal/protocol/shapecheck/...",
	}
	// concreteBackends are the storage implementations: "store/sqlite/
	// postgres/ implementations (migrations embedded per backend)" (STYLE
	// §1). postgres does not exist yet; the rule is ready for it.
	// TestImportDirection fails on a package under internal/store that is
	// neither here nor in testOnly, so a new backend cannot slip past.
	concreteBackends = []string{
		module + "/internal/store/sqlite/...",
		module + "/internal/store/postgres/...",
	}
	// belowServer are packages the STYLE §2 diagram does not place. Each
	// sits below server and imports neither server, protocol nor a service,
	// so services and server may use them:
	//   - apierr: "apierr -> (nothing internal)", so it is a leaf; services
	//     return *apierr.Error values for their own wire errors through
	//     their Mapper (STYLE §7);
	//   - arn: "Leaf package" (§1);
	//   - op: the operation registry (§3: "op.Register(reg, ..., svc.CreateRole)");
	//     its doc says "Services import op (never net/http or the server)";
	//   - policy: the pure engine that authz wraps; IAM parses and compiles
	//     documents "when a policy is stored" (§4);
	//   - principal: resolves credentials and builds authz's request; STS
	//     needs it for trust-policy checks, which §2 allows services;
	//   - blob: object bytes in files, S3's storage beside its store interface.
	belowServer = []string{
		module + "/internal/apierr",
		module + "/internal/arn",
		module + "/internal/op",
		module + "/internal/policy",
		module + "/internal/principal",
		module + "/internal/blob",
	}
)

// rules is STYLE.md section 2 (and the §1 layout lines it rests on), one
// row per rule. The comment on each row quotes the wording it encodes and
// explains the form chosen.
var rules = []rule{
	// §2: "`policy` must never import `net/http`, `database/sql`,
	// `log/slog`, `store` or `server`." store and server include their
	// subpackages (a backend is still store).
	{
		id:    "policy-forbidden",
		style: "policy must never import net/http, database/sql, log/slog, store or server",
		pkgs:  []string{module + "/internal/policy/..."},
		deny: []string{"net/http/...", "database/sql/...", "log/slog",
			module + "/internal/store/...", module + "/internal/server/..."},
	},
	// §2 diagram "policy -> arn"; §1 "Write internal/policy as though it
	// were public (it imports only arn)". A whitelist: arn is the only
	// internal import.
	{
		id:           "policy-only-arn",
		style:        "policy -> arn (it imports only arn, so it can be lifted out later)",
		pkgs:         []string{module + "/internal/policy/..."},
		onlyInternal: true,
		only:         []string{module + "/internal/arn"},
	},
	// §1 "policy/ ... Pure: no I/O, no ctx" and §4 "It does no I/O and
	// takes no ctx": no context, files, network or database. net/netip
	// (the IpAddress operator's address parsing) is not I/O and stays
	// allowed, so "net" is denied exactly, not as net/....
	{
		id:    "policy-pure",
		style: "policy: Pure: no I/O, no ctx",
		pkgs:  []string{module + "/internal/policy/..."},
		deny:  []string{"context", "os/...", "io/fs", "net", "net/http/...", "database/sql/..."},
	},
	// §1 "arn/ ARN parse/format/match. Leaf package." The policy whitelist
	// means something only if arn imports nothing internal, or policy would
	// depend on more than arn through it.
	{
		id:           "arn-leaf",
		style:        "arn: Leaf package",
		pkgs:         []string{module + "/internal/arn/..."},
		onlyInternal: true,
	},
	// §2 diagram "authz -> policy, arn, model", read as a whitelist of
	// internal packages.
	{
		id:           "authz-only",
		style:        "authz -> policy, arn, model",
		pkgs:         []string{module + "/internal/authz/..."},
		onlyInternal: true,
		only:         []string{module + "/internal/policy", module + "/internal/arn", module + "/internal/model"},
	},
	// §2 diagram "apierr -> (nothing internal)".
	{
		id:           "apierr-leaf",
		style:        "apierr -> (nothing internal)",
		pkgs:         []string{module + "/internal/apierr/..."},
		onlyInternal: true,
	},
	// §1 "model/ plain persisted data types ... No I/O". Every layer of
	// the §2 diagram points at model (authz, service/*, store/sqlite), and
	// authz's whitelist holds only if model imports nothing internal. No
	// files, network or database either. crypto/rand for ID generation
	// stays allowed.
	{
		id:           "model-leaf",
		style:        "model: plain persisted data types. No I/O (and authz, services, backends -> model, so model -> nothing internal)",
		pkgs:         []string{module + "/internal/model/..."},
		onlyInternal: true,
		deny:         []string{"os/...", "io/fs", "net", "net/http/...", "database/sql/..."},
	},
	// §2 "`protocol/*` must never import `store`". The whole protocol tree,
	// including the protocol package itself, and all of store, so no
	// backend and no storetest either.
	{
		id:    "protocol-no-store",
		style: "protocol/* must never import store",
		pkgs:  []string{module + "/internal/protocol/..."},
		deny:  []string{module + "/internal/store/..."},
	},
	// §2 "Services never import `protocol` or `net/http`: they take and
	// return Go structs." Services are internal/service/*. net/http
	// includes its subpackages (httptest, httputil).
	{
		id:    "service-no-protocol-http",
		style: "Services never import protocol or net/http: they take and return Go structs",
		pkgs:  []string{module + "/internal/service/..."},
		deny:  []string{module + "/internal/protocol/...", "net/http/..."},
	},
	// §2 diagram "service/* -> authz (only for in-operation checks ...),
	// model, its own store interfaces", read as a whitelist. "its own store
	// interfaces" are declared in the service over the store package's
	// types and sentinels (store.Tx, store.ErrNotFound, §5 and §7), so that
	// means store itself and never a backend. Add belowServer (see there).
	// That leaves out server, sigv4, audit, another service, and every
	// backend and test helper. A service may import its own subpackages
	// (iam -> iam/managed), and the plumbing services share under
	// service/internal (Go's internal rule keeps it to services), which is
	// held to these same rules because it is under service/ too.
	{
		id:           "service-only",
		style:        "service/* -> authz (only for in-operation checks), model, its own store interfaces",
		pkgs:         []string{module + "/internal/service/..."},
		onlyInternal: true,
		only: append([]string{
			module + "/internal/authz", module + "/internal/model", module + "/internal/store",
			module + "/internal/service/internal/...",
		}, belowServer...),
	},
	// §2 diagram "server -> protocol/*, sigv4, audit, authz, service/*,
	// apierr", read as a whitelist, plus belowServer. Leaving out store
	// keeps server's storage access behind services, principal and audit
	// (§9: "no back door into service or store"). audit means audit itself,
	// not audittest.
	{
		id:           "server-only",
		style:        "server -> protocol/*, sigv4, audit, authz, service/*, apierr",
		pkgs:         []string{module + "/internal/server/..."},
		onlyInternal: true,
		only: append([]string{
			module + "/internal/protocol/...", module + "/internal/sigv4", module + "/internal/audit",
			module + "/internal/authz", module + "/internal/service/...", module + "/internal/model",
		}, belowServer...),
	},
	// §2 diagram "store/sqlite, store/postgres -> store, model": a
	// whitelist for every backend (own subpackages allowed).
	{
		id:           "backend-only",
		style:        "store/sqlite, store/postgres -> store, model",
		pkgs:         concreteBackends,
		onlyInternal: true,
		only:         []string{module + "/internal/store", module + "/internal/model"},
	},
	// The store package itself: "aggregate Store interface + domain
	// sentinels" (§1), which backends implement and services use. It sits
	// between model and both of them, so it imports only model. Its
	// subpackages (backends, storetest) have rows of their own.
	{
		id:           "store-only-model",
		style:        "store/sqlite, store/postgres -> store, model; store: aggregate Store interface + domain sentinels (so store -> model)",
		pkgs:         []string{module + "/internal/store"},
		onlyInternal: true,
		only:         []string{module + "/internal/model"},
	},
	// §2 "(nothing imports a concrete backend except cmd and tests)" and
	// "Only `cmd/abacus` picks a backend". Tests are exempt because only
	// non-test files are checked. A backend may import its own
	// subpackages. This row covers server too (the brief: server must not
	// import a concrete backend either).
	{
		id:     "backend-only-from-cmd",
		style:  "nothing imports a concrete backend except cmd and tests",
		pkgs:   []string{module + "/..."},
		except: append([]string{module + "/cmd/..."}, concreteBackends...),
		deny:   concreteBackends,
	},
	// §1 "store/storetest/ THE conformance suite; every backend's test
	// calls storetest.Run" and "audit/audittest conformance": test-only
	// helpers are imported from _test.go files only.
	{
		id:     "test-helpers-from-tests",
		style:  "conformance suites and test helpers (storetest, audittest, botocoretest, shapecheck) are imported only by tests",
		pkgs:   []string{module + "/..."},
		except: testOnly,
		deny:   testOnly,
	},
	// What makes a package a test helper is that it imports "testing" in
	// non-test files. Denying that everywhere else keeps testOnly complete:
	// a new helper fails here until it is listed, and then the row above
	// protects it.
	{
		id:     "testing-only-in-test-helpers",
		style:  "only test helpers import testing outside _test.go files (keeps the test-helper list complete)",
		pkgs:   []string{module + "/..."},
		except: testOnly,
		deny:   []string{"testing/..."},
	},
	// §2 "Only cmd/abacus picks a backend, with an explicit switch
	// cfg.Store.Driver. No init() registration, no driver maps filled by
	// side-effect imports." Everywhere: no func init(), and no blank
	// import except "embed", which //go:embed requires.
	{
		id:      "no-registration",
		style:   "No init() registration, no driver maps filled by side-effect imports",
		pkgs:    []string{module + "/..."},
		noInit:  true,
		noBlank: true,
	},
}

// allowances are the known departures from rules, each one file and one
// import with its reason. TestImportDirection fails on one that matches
// nothing, so a fixed departure must also be removed from here.
var allowances = []allowance{
	// Every service builds its own wire errors (apierr.New(status, code,
	// msg) in its Mapper, or S3's own Error) and needs the HTTP status that
	// AWS's model gives each error shape (botocore "error":
	// {"httpStatusCode": N}). These files name net/http only for the
	// Status* constants. Anything else from net/http (Request,
	// ResponseWriter, Header) still fails. Replacing about 100 constants in
	// 18 files of 9 services (and deciding where status codes should live)
	// is a change of its own, not a one-line fix.
	statusOnly("internal/service/cloudtrail/cloudtrail.go"),
	statusOnly("internal/service/efs/errors.go"),
	statusOnly("internal/service/emr/errors.go"),
	statusOnly("internal/service/fsx/errors.go"),
	statusOnly("internal/service/iam/errors.go"),
	statusOnly("internal/service/s3/bucket.go"),
	statusOnly("internal/service/s3/checksum.go"),
	statusOnly("internal/service/s3/config.go"),
	statusOnly("internal/service/s3/copy.go"),
	statusOnly("internal/service/s3/errors.go"),
	statusOnly("internal/service/s3/list.go"),
	statusOnly("internal/service/s3/multipart.go"),
	statusOnly("internal/service/s3/object.go"),
	statusOnly("internal/service/s3/tagging.go"),
	{
		file: "internal/service/s3/types.go", imp: "net/http", rule: "service-no-protocol-http", names: "Status",
		reason: "GetObject/HeadObject outputs answer 206 for a range and 200 otherwise (their HTTPStatus method), " +
			"a status S3's model gives the output, not the protocol",
	},
	statusOnly("internal/service/sagemaker/errors.go"),
	statusOnly("internal/service/secretsmanager/errors.go"),
	statusOnly("internal/service/sts/errors.go"),
	{
		file: "internal/store/sqlite/sqlite.go", imp: "modernc.org/sqlite", rule: "no-registration",
		reason: "database/sql reaches its driver only through the registration modernc.org/sqlite's init makes " +
			"(tx.go imports the package by name as well, so the registration happens regardless). The backend " +
			"opens that driver itself by the name \"sqlite\", and cmd picks the backend with an explicit switch, " +
			"so no abacus registry is filled by the import",
	},
}

// statusOnly allows a service file to import net/http for its Status*
// constants only. See allowances.
func statusOnly(path string) allowance {
	return allowance{
		file: path, imp: "net/http", rule: "service-no-protocol-http", names: "Status",
		reason: "HTTP status codes of the service's AWS error shapes (botocore httpStatusCode)",
	}
}

// match reports whether import path p matches pattern pat ("x" or "x/...").
func match(pat, p string) bool {
	if base, ok := strings.CutSuffix(pat, "/..."); ok {
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pat
}

func matchAny(pats []string, p string) bool {
	return slices.ContainsFunc(pats, func(pat string) bool { return match(pat, p) })
}

// applies reports whether r constrains package pkg.
func (r rule) applies(pkg string) bool {
	return matchAny(r.pkgs, pkg) && !matchAny(r.except, pkg)
}

// isInternal reports whether p is a package of the module.
func isInternal(p string) bool { return match(module+"/...", p) }

// breaks returns what, if anything, import im of a file in package pkg
// breaks in r: "" if nothing, else the verb phrase of the report.
func (r rule) breaks(pkg string, im imp) string {
	if r.noBlank && im.name == "_" && im.path != "embed" {
		return "imports _ " + im.path
	}
	if matchAny(r.deny, im.path) {
		return "imports " + im.path
	}
	if r.onlyInternal && isInternal(im.path) && !match(pkg+"/...", im.path) && !matchAny(r.only, im.path) {
		return "imports " + im.path
	}
	return ""
}

// check applies rules to files and returns every violation, sorted, as
// "FILE imports PKG: RULE". An allowance suppresses the one it names, and
// is itself reported when it matches nothing or when the file uses more of
// the import than the allowance permits.
func check(files []file, rules []rule, allows []allowance) []string {
	var out []string
	used := make([]bool, len(allows))
	report := func(f file, what string, r rule) {
		out = append(out, fmt.Sprintf("%s %s: %s (STYLE.md: %q)", f.path, what, r.id, r.style))
	}
	for _, f := range files {
		for _, r := range rules {
			if !r.applies(f.pkg) {
				continue
			}
			if r.noInit {
				for _, pos := range f.inits {
					report(f, "declares func init() at "+pos, r)
				}
			}
			for _, im := range f.imports {
				what := r.breaks(f.pkg, im)
				if what == "" {
					continue
				}
				i := slices.IndexFunc(allows, func(a allowance) bool {
					return a.file == f.path && a.imp == im.path && a.rule == r.id
				})
				if i < 0 {
					report(f, what, r)
					continue
				}
				used[i] = true
				a := allows[i]
				if a.names == "" {
					continue
				}
				if len(im.names) == 0 {
					report(f, what+" and names nothing from it that the allowance could cover", r)
				}
				for _, n := range im.names {
					if !strings.HasPrefix(n, a.names) {
						report(f, fmt.Sprintf("uses %s.%s (the allowance covers %s.%s* only)", im.path, n, im.path, a.names), r)
					}
				}
			}
		}
	}
	for i, a := range allows {
		if !used[i] {
			out = append(out, fmt.Sprintf("%s imports %s: allowance for rule %s matches nothing; remove it", a.file, a.imp, a.rule))
		}
	}
	sort.Strings(out)
	return out
}

// moduleRoot walks up from the working directory to the go.mod that
// declares module.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modulePath(b) == module {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod declaring module %s in or above the working directory", module)
		}
		dir = parent
	}
}

// modulePath returns the path of the module directive in go.mod data.
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest, _, _ = strings.Cut(rest, "//")
			rest = strings.TrimSpace(rest)
			if p, err := strconv.Unquote(rest); err == nil {
				return p
			}
			return rest
		}
	}
	return ""
}

// readFiles parses every non-test .go file under root's internal/ and
// cmd/. It skips testdata, directories and files the go command ignores
// ("." or "_" prefix), and nested modules (directories with a go.mod).
// Build constraints are not evaluated, so the rules hold on every platform.
func readFiles(t *testing.T, root string) []file {
	t.Helper()
	var files []file
	fset := token.NewFileSet()
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			f, err := parseFile(fset, p, filepath.ToSlash(rel))
			if err != nil {
				return err
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

// parseFile reads the imports, the identifiers selected from each import
// and the init functions of the file at path p (module-relative rel).
func parseFile(fset *token.FileSet, p, rel string) (file, error) {
	af, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
	if err != nil {
		return file{}, err
	}
	f := file{path: rel, pkg: module + "/" + pathDir(rel)}
	byName := map[string]int{} // local package name -> index in f.imports
	for _, spec := range af.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return file{}, fmt.Errorf("%s: import %s: %v", rel, spec.Path.Value, err)
		}
		im := imp{path: path}
		local := defaultName(path)
		if spec.Name != nil {
			im.name = spec.Name.Name
			local = im.name
		}
		byName[local] = len(f.imports)
		f.imports = append(f.imports, im)
	}
	ast.Inspect(af, func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := se.X.(*ast.Ident); ok {
				if i, ok := byName[id.Name]; ok && !slices.Contains(f.imports[i].names, se.Sel.Name) {
					f.imports[i].names = append(f.imports[i].names, se.Sel.Name)
				}
			}
		}
		return true
	})
	for _, decl := range af.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
			f.inits = append(f.inits, fmt.Sprintf("line %d", fset.Position(fd.Pos()).Line))
		}
	}
	return f, nil
}

// defaultName is the usual package name of import path p: its last
// element, or the one before a major-version suffix ("math/rand/v2" ->
// "rand"). A wrong guess leaves names empty, which an allowance restricted
// to some names reports, so it cannot pass silently.
func defaultName(p string) string {
	elems := strings.Split(p, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = elems[len(elems)-2]
	}
	return strings.ReplaceAll(last, "-", "_")
}

func pathDir(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return "."
}

// TestImportDirection enforces the rules on the module's code and reports
// every violation at once.
func TestImportDirection(t *testing.T) {
	files := readFiles(t, moduleRoot(t))

	// The walk must have found the packages the rules are about, or every
	// rule would pass vacuously.
	pkgs := map[string]bool{}
	for _, f := range files {
		pkgs[f.pkg] = true
	}
	for _, p := range []string{"policy", "arn", "authz", "apierr", "model", "protocol", "protocol/awsquery",
		"service/iam", "service/s3", "server", "store", "store/sqlite", "store/storetest", "audit/audittest"} {
		if !pkgs[module+"/internal/"+p] {
			t.Errorf("package internal/%s not found: the walk is broken", p)
		}
	}
	if !pkgs[module+"/cmd/abacus"] {
		t.Errorf("package cmd/abacus not found: the walk is broken")
	}
	// Every package under internal/store is classified, so a new backend
	// is held to the backend rules.
	for p := range pkgs {
		if match(module+"/internal/store/...", p) && p != module+"/internal/store" &&
			!matchAny(concreteBackends, p) && !matchAny(testOnly, p) {
			t.Errorf("%s is under internal/store but neither a concrete backend nor a test helper: classify it in archtest", p)
		}
	}

	got := check(files, rules, allowances)
	for _, v := range got {
		t.Error(v)
	}
	if len(got) > 0 {
		t.Logf("%d violation(s) of STYLE.md section 2. Fix the import, or add an allowance naming the file, the import and the reason.", len(got))
	}
}

// TestCheckerCanFail runs check on synthetic, in-memory import sets: each
// rule must report the violation built to break it and nothing in the
// clean sets.
func TestCheckerCanFail(t *testing.T) {
	t.Parallel()
	src := func(path string, imports ...string) file {
		f := file{path: path, pkg: module + "/" + pathDir(path)}
		for _, s := range imports {
			im := imp{path: s}
			if name, p, ok := strings.Cut(s, " "); ok {
				im = imp{name: name, path: p}
			}
			f.imports = append(f.imports, im)
		}
		return f
	}
	withNames := func(f file, names ...string) file {
		f.imports[0].names = names
		return f
	}
	withInit := func(f file) file {
		f.inits = []string{"line 3"}
		return f
	}
	tests := []struct {
		name   string
		files  []file
		allows []allowance
		want   []string // each a "FILE VERB: RULE-ID" prefix of one report, in sorted order
	}{
		{
			name:  "policy imports store",
			files: []file{src("internal/policy/x.go", "abacus/internal/store")},
			want: []string{
				"internal/policy/x.go imports abacus/internal/store: policy-forbidden",
				"internal/policy/x.go imports abacus/internal/store: policy-only-arn",
			},
		},
		{
			name:  "policy imports a backend, server, net/http, database/sql and log/slog",
			files: []file{src("internal/policy/x.go", "abacus/internal/store/sqlite", "abacus/internal/server", "net/http", "database/sql", "log/slog")},
			want: []string{
				"internal/policy/x.go imports abacus/internal/server: policy-forbidden",
				"internal/policy/x.go imports abacus/internal/server: policy-only-arn",
				"internal/policy/x.go imports abacus/internal/store/sqlite: backend-only-from-cmd",
				"internal/policy/x.go imports abacus/internal/store/sqlite: policy-forbidden",
				"internal/policy/x.go imports abacus/internal/store/sqlite: policy-only-arn",
				"internal/policy/x.go imports database/sql: policy-forbidden",
				"internal/policy/x.go imports database/sql: policy-pure",
				"internal/policy/x.go imports log/slog: policy-forbidden",
				"internal/policy/x.go imports net/http: policy-forbidden",
				"internal/policy/x.go imports net/http: policy-pure",
			},
		},
		{
			name:  "policy takes a ctx",
			files: []file{src("internal/policy/x.go", "context")},
			want:  []string{"internal/policy/x.go imports context: policy-pure"},
		},
		{
			name:  "policy imports model",
			files: []file{src("internal/policy/x.go", "abacus/internal/model")},
			want:  []string{"internal/policy/x.go imports abacus/internal/model: policy-only-arn"},
		},
		{
			name:  "arn imports model",
			files: []file{src("internal/arn/x.go", "abacus/internal/model")},
			want:  []string{"internal/arn/x.go imports abacus/internal/model: arn-leaf"},
		},
		{
			name:  "authz imports server and store",
			files: []file{src("internal/authz/x.go", "abacus/internal/server", "abacus/internal/store")},
			want: []string{
				"internal/authz/x.go imports abacus/internal/server: authz-only",
				"internal/authz/x.go imports abacus/internal/store: authz-only",
			},
		},
		{
			name:  "apierr imports model",
			files: []file{src("internal/apierr/x.go", "abacus/internal/model")},
			want:  []string{"internal/apierr/x.go imports abacus/internal/model: apierr-leaf"},
		},
		{
			name:  "model imports arn and os",
			files: []file{src("internal/model/x.go", "abacus/internal/arn", "os")},
			want: []string{
				"internal/model/x.go imports abacus/internal/arn: model-leaf",
				"internal/model/x.go imports os: model-leaf",
			},
		},
		{
			name: "protocol imports store",
			files: []file{
				src("internal/protocol/x.go", "abacus/internal/store"),
				src("internal/protocol/awsjson/x.go", "abacus/internal/store/storetest"),
			},
			want: []string{
				"internal/protocol/awsjson/x.go imports abacus/internal/store/storetest: protocol-no-store",
				"internal/protocol/awsjson/x.go imports abacus/internal/store/storetest: test-helpers-from-tests",
				"internal/protocol/x.go imports abacus/internal/store: protocol-no-store",
			},
		},
		{
			name:  "service imports protocol and net/http",
			files: []file{src("internal/service/s3/x.go", "abacus/internal/protocol/restxml", "net/http/httptest")},
			want: []string{
				"internal/service/s3/x.go imports abacus/internal/protocol/restxml: service-no-protocol-http",
				"internal/service/s3/x.go imports abacus/internal/protocol/restxml: service-only",
				"internal/service/s3/x.go imports net/http/httptest: service-no-protocol-http",
			},
		},
		{
			name:  "service imports another service, server, sigv4 and audit",
			files: []file{src("internal/service/sts/x.go", "abacus/internal/service/iam", "abacus/internal/server", "abacus/internal/sigv4", "abacus/internal/audit")},
			want: []string{
				"internal/service/sts/x.go imports abacus/internal/audit: service-only",
				"internal/service/sts/x.go imports abacus/internal/server: service-only",
				"internal/service/sts/x.go imports abacus/internal/service/iam: service-only",
				"internal/service/sts/x.go imports abacus/internal/sigv4: service-only",
			},
		},
		{
			name:  "server imports store",
			files: []file{src("internal/server/x.go", "abacus/internal/store")},
			want:  []string{"internal/server/x.go imports abacus/internal/store: server-only"},
		},
		{
			name: "server and a service import the sqlite backend",
			files: []file{
				src("internal/server/x.go", "abacus/internal/store/sqlite"),
				src("internal/service/iam/x.go", "abacus/internal/store/sqlite"),
			},
			want: []string{
				"internal/server/x.go imports abacus/internal/store/sqlite: backend-only-from-cmd",
				"internal/server/x.go imports abacus/internal/store/sqlite: server-only",
				"internal/service/iam/x.go imports abacus/internal/store/sqlite: backend-only-from-cmd",
				"internal/service/iam/x.go imports abacus/internal/store/sqlite: service-only",
			},
		},
		{
			name:  "audit imports the postgres backend",
			files: []file{src("internal/audit/x.go", "abacus/internal/store/postgres")},
			want:  []string{"internal/audit/x.go imports abacus/internal/store/postgres: backend-only-from-cmd"},
		},
		{
			name: "backends import server or each other; store imports op",
			files: []file{
				src("internal/store/sqlite/x.go", "abacus/internal/server"),
				src("internal/store/postgres/x.go", "abacus/internal/store/sqlite"),
				src("internal/store/x.go", "abacus/internal/op"),
			},
			want: []string{
				"internal/store/postgres/x.go imports abacus/internal/store/sqlite: backend-only",
				"internal/store/sqlite/x.go imports abacus/internal/server: backend-only",
				"internal/store/x.go imports abacus/internal/op: store-only-model",
			},
		},
		{
			name: "product code imports test helpers and testing",
			files: []file{
				src("internal/server/x.go", "abacus/internal/audit/audittest"),
				src("cmd/abacus/x.go", "abacus/internal/store/storetest", "abacus/internal/protocol/botocoretest", "testing"),
				src("internal/audit/x.go", "abacus/internal/protocol/shapecheck"),
			},
			want: []string{
				"cmd/abacus/x.go imports abacus/internal/protocol/botocoretest: test-helpers-from-tests",
				"cmd/abacus/x.go imports abacus/internal/store/storetest: test-helpers-from-tests",
				"cmd/abacus/x.go imports testing: testing-only-in-test-helpers",
				"internal/audit/x.go imports abacus/internal/protocol/shapecheck: test-helpers-from-tests",
				"internal/server/x.go imports abacus/internal/audit/audittest: server-only",
				"internal/server/x.go imports abacus/internal/audit/audittest: test-helpers-from-tests",
			},
		},
		{
			name: "init registration and side-effect imports",
			files: []file{
				withInit(src("internal/store/sqlite/x.go")),
				src("cmd/abacus/x.go", "_ abacus/internal/store/sqlite"),
				src("internal/store/sqlite/y.go", "_ modernc.org/sqlite"),
			},
			want: []string{
				"cmd/abacus/x.go imports _ abacus/internal/store/sqlite: no-registration",
				"internal/store/sqlite/x.go declares func init() at line 3: no-registration",
				"internal/store/sqlite/y.go imports _ modernc.org/sqlite: no-registration",
			},
		},
		{
			name:   "allowance restricted to Status* names, used beyond it",
			files:  []file{withNames(src("internal/service/s3/x.go", "net/http"), "StatusOK", "Request")},
			allows: []allowance{statusOnly("internal/service/s3/x.go")},
			want:   []string{"internal/service/s3/x.go uses net/http.Request (the allowance covers net/http.Status* only): service-no-protocol-http"},
		},
		{
			name:   "allowance restricted to names, none found",
			files:  []file{src("internal/service/s3/x.go", "nethttp net/http")},
			allows: []allowance{statusOnly("internal/service/s3/x.go")},
			want:   []string{"internal/service/s3/x.go imports net/http and names nothing from it that the allowance could cover: service-no-protocol-http"},
		},
		{
			name:   "stale allowance",
			files:  []file{src("internal/service/s3/x.go", "strings")},
			allows: []allowance{statusOnly("internal/service/s3/x.go")},
			want:   []string{"internal/service/s3/x.go imports net/http: allowance for rule service-no-protocol-http matches nothing"},
		},
		{
			name:   "allowance covers only its own file",
			files:  []file{withNames(src("internal/service/s3/y.go", "net/http"), "StatusOK")},
			allows: []allowance{statusOnly("internal/service/s3/y.go"), statusOnly("internal/service/s3/x.go")},
			want:   []string{"internal/service/s3/x.go imports net/http: allowance for rule service-no-protocol-http matches nothing"},
		},

		// Clean sets: the same checker reports nothing.
		{
			name: "clean: the layering as STYLE.md draws it",
			files: []file{
				src("internal/policy/x.go", "abacus/internal/arn", "net/netip", "strings"),
				src("internal/arn/x.go", "strings"),
				src("internal/authz/x.go", "abacus/internal/policy", "abacus/internal/arn", "abacus/internal/model"),
				src("internal/apierr/x.go", "net/http", "errors"),
				src("internal/model/x.go", "log/slog", "crypto/rand", "time"),
				src("internal/protocol/awsjson/x.go", "abacus/internal/protocol", "abacus/internal/apierr", "net/http"),
				src("internal/service/iam/x.go", "abacus/internal/authz", "abacus/internal/model", "abacus/internal/store",
					"abacus/internal/service/iam/managed", "abacus/internal/op", "abacus/internal/apierr", "context"),
				src("internal/service/iam/managed/x.go", "_ embed"),
				src("internal/server/x.go", "abacus/internal/protocol/route", "abacus/internal/sigv4", "abacus/internal/audit",
					"abacus/internal/authz", "abacus/internal/service/sagemaker", "abacus/internal/apierr", "net/http"),
				src("internal/store/x.go", "abacus/internal/model"),
				src("internal/store/sqlite/x.go", "abacus/internal/store", "abacus/internal/model", "database/sql"),
				src("internal/store/storetest/x.go", "abacus/internal/store", "testing"),
				src("internal/audit/audittest/x.go", "abacus/internal/audit", "abacus/internal/store", "testing"),
				src("cmd/abacus/x.go", "abacus/internal/server", "abacus/internal/store/sqlite", "abacus/internal/service/iam"),
			},
		},
		{
			name:   "clean: allowance used as permitted",
			files:  []file{withNames(src("internal/service/s3/x.go", "net/http"), "StatusOK", "StatusNotFound")},
			allows: []allowance{statusOnly("internal/service/s3/x.go")},
		},
	}

	tripped := map[string]bool{}
	for _, tt := range tests {
		got := check(tt.files, rules, tt.allows)
		for _, g := range got {
			for _, r := range rules {
				if strings.Contains(g, ": "+r.id+" (STYLE.md") {
					tripped[r.id] = true
				}
			}
		}
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if len(got) != len(tt.want) {
				t.Fatalf("check reported %d violation(s), want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("violation %d:\n got %s\nwant %s...", i, got[i], tt.want[i])
				}
			}
		})
	}
	// Every row of the table is proven able to fail.
	for _, r := range rules {
		if !tripped[r.id] {
			t.Errorf("rule %s is never violated by a self-check case: add one", r.id)
		}
	}
}
