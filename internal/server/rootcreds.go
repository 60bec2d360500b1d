package server

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// RootCredentials are the account root's access keys.
type RootCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// LogValue keeps the secret out of logs.
func (c RootCredentials) String() string { return "RootCredentials{" + c.AccessKeyID + ", REDACTED}" }

// CredentialsFile is the name of the file in the data dir that holds the
// root credentials in the AWS shared-credentials format.
const CredentialsFile = "credentials"

// LoadOrCreateRootCredentials returns the root keys: from id and secret when
// both are set, otherwise from dir/credentials, otherwise newly generated
// and written there with mode 0600. An empty dir (in-memory mode) never
// touches the file system.
func LoadOrCreateRootCredentials(dir, id, secret string) (RootCredentials, bool, error) {
	if id != "" || secret != "" {
		if id == "" || secret == "" {
			return RootCredentials{}, false, errors.New("set both ABACUS_ROOT_ACCESS_KEY_ID and ABACUS_ROOT_SECRET_ACCESS_KEY, or neither")
		}
		return RootCredentials{id, secret}, false, nil
	}
	if dir != "" {
		c, err := ReadCredentialsFile(filepath.Join(dir, CredentialsFile))
		if err == nil {
			return c, false, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return RootCredentials{}, false, err
		}
	}
	c := RootCredentials{AccessKeyID: "AKIA" + randomString(16, upperAlnum), SecretAccessKey: randomString(40, secretAlphabet)}
	if dir == "" {
		return c, true, nil
	}
	body := fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", c.AccessKeyID, c.SecretAccessKey)
	path := filepath.Join(dir, CredentialsFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o600); err != nil {
		return RootCredentials{}, false, fmt.Errorf("write root credentials: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return RootCredentials{}, false, fmt.Errorf("write root credentials: %w", err)
	}
	return c, true, nil
}

// ReadCredentialsFile reads the default profile of an AWS shared-credentials
// file.
func ReadCredentialsFile(path string) (RootCredentials, error) {
	f, err := os.Open(path)
	if err != nil {
		return RootCredentials{}, err
	}
	defer f.Close()
	var c RootCredentials
	profile := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			profile = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		if profile != "default" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "aws_access_key_id":
			c.AccessKeyID = strings.TrimSpace(v)
		case "aws_secret_access_key":
			c.SecretAccessKey = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return RootCredentials{}, err
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return RootCredentials{}, fmt.Errorf("%s: no aws_access_key_id and aws_secret_access_key in profile [default]", path)
	}
	return c, nil
}

const (
	upperAlnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
