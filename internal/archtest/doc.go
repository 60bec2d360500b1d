// Package archtest holds no code, only a test. The test enforces the
// dependency direction in section 2 of the style guide (STYLE.md,
// "Dependency direction (enforced, not just hoped for)"). The style guide
// names golangci-lint depguard for this, but CI runs only `go test ./...`,
// so the rules are a Go test that runs in that command.
//
// The test parses every non-test .go file of every package under internal/
// and cmd/ (skipping testdata, directories go ignores, and nested modules
// such as bench/). It checks the file's imports against a table of rules,
// one row per rule, each quoting the style-guide wording it encodes:
//
//   - policy imports nothing but arn, and never net/http, database/sql,
//     log/slog, store or server; it does no I/O and takes no ctx;
//   - arn, model and apierr import nothing internal;
//   - authz imports only policy, arn and model;
//   - protocol/* never imports store;
//   - services import neither protocol nor net/http, and among internal
//     packages only authz, model, store and the packages below server;
//   - server imports only its layer's packages, never store or a backend;
//   - store imports only model, and a backend only store and model;
//   - nothing but cmd imports a concrete backend (store/sqlite,
//     store/postgres);
//   - no non-test file imports a test-only helper (storetest, audittest,
//     botocoretest, shapecheck) or the testing package;
//   - there is no init() registration and no side-effect import.
//
// A known departure is allowed only by a table entry that names the file,
// the import and the reason. An entry that no longer matches anything also
// fails the test. The test reports every violation at once, each as
// "FILE imports PKG: RULE". A self-check runs the same checker on in-memory
// import sets to show that it can fail.
package archtest
