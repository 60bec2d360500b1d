package model_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"abacus/internal/model"
)

func TestSecretIsRedacted(t *testing.T) {
	t.Parallel()
	const raw = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	k := model.AccessKey{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: raw}
	s := model.Session{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: raw, SessionToken: raw}

	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("key", "secret", k.SecretAccessKey, "token", s.SessionToken)
	log.Info("text", slog.Any("key", k), slog.Any("session", s))
	outputs := map[string]string{
		"slog":  buf.String(),
		"%v":    fmt.Sprintf("%v %v", k, s),
		"%+v":   fmt.Sprintf("%+v %+v", k, s),
		"%#v":   fmt.Sprintf("%#v %#v", k, s),
		"%s":    fmt.Sprintf("%s", k.SecretAccessKey),
		"print": fmt.Sprint(s.SessionToken),
		"json":  mustJSON(t, s),
	}
	for name, out := range outputs {
		if strings.Contains(out, raw) {
			t.Errorf("%s output reveals the secret: %s", name, out)
		}
		if !strings.Contains(out, model.Redacted) {
			t.Errorf("%s output lacks %s: %s", name, model.Redacted, out)
		}
	}
	if string(k.SecretAccessKey) != raw {
		t.Fatal("string conversion must return the stored secret")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
