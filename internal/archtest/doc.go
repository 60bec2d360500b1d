// Package archtest holds no code, only a test: it enforces the import
// direction of the team style guide, section 2 ("Dependency direction (enforced, not
// just hoped for)") on every non-test Go file of the module, as a Go test
// so that it runs in the project's one test command. See imports_test.go
// for the rules, each with the sentence it encodes.
package archtest
