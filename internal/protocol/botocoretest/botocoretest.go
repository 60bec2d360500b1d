// Package botocoretest runs botocore's own serializers and parsers (what
// boto3 and the AWS CLI use) from Go tests: it turns operation parameters
// into the HTTP request botocore would send, and parses a response body the
// way botocore would read it. Tests skip when python3 or botocore is absent.
package botocoretest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"
)

// Job is one serialization or parse for botocore to run.
type Job struct {
	// Mode is "serialize" or "parse".
	Mode      string `json:"mode"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
	// Params are the operation's input parameters (serialize). Timestamps
	// may be ISO 8601 strings, blobs strings.
	Params map[string]any `json:"params,omitempty"`
	// Status, Headers and Body are the response to parse (parse).
	Status  int               `json:"status,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

// Result is botocore's answer to a [Job].
type Result struct {
	// Method, Path, Query, Headers and Body are the serialized request;
	// Body is form-encoded for Query services.
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   map[string]any    `json:"query"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	// Parsed is the parsed response, timestamps as ISO 8601 strings and
	// blobs base64.
	Parsed map[string]any `json:"parsed"`
	// Error is a Python exception raised by botocore.
	Error string `json:"error"`
}

const script = `
import base64, datetime, json, sys, urllib.parse
import botocore.session
from botocore import serialize, parsers

def plain(v):
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(v).decode()
    if hasattr(v, 'read'):
        return base64.b64encode(v.read()).decode()
    return v

session = botocore.session.get_session()
out = []
for job in json.load(sys.stdin):
    try:
        model = session.get_service_model(job['service'])
        op = model.operation_model(job['operation'])
        proto = model.metadata['protocol']
        if job['mode'] == 'serialize':
            ser = serialize.create_serializer(proto, include_validation=True)
            req = ser.serialize_to_request(job.get('params') or {}, op)
            body = req['body']
            if isinstance(body, dict):
                body = urllib.parse.urlencode(body)
            elif isinstance(body, (bytes, bytearray)):
                body = body.decode('utf-8')
            out.append({'method': req['method'], 'path': req['url_path'], 'query': plain(req['query_string']) if isinstance(req['query_string'], dict) else {},
                        'headers': {k: str(v) for k, v in req['headers'].items()}, 'body': body or ''})
        else:
            p = parsers.create_parser(proto)
            resp = {'status_code': job['status'], 'headers': job.get('headers') or {}, 'body': job['body'].encode('utf-8')}
            shape = op.output_shape
            parsed = p.parse(resp, shape)
            out.append({'parsed': plain(parsed)})
    except Exception as e:
        out.append({'error': '%s: %s' % (type(e).__name__, e)})
json.dump(out, sys.stdout)
`

// Run runs jobs in one botocore process and returns one result per job,
// skipping t when python3 or botocore is missing and failing it when the
// script itself fails.
func Run(t testing.TB, jobs []Job) []Result {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("botocoretest: python3 not found; skipping the botocore compatibility check")
	}
	if err := exec.Command(py, "-c", "import botocore").Run(); err != nil {
		t.Skip("botocoretest: botocore is not installed for python3; skipping the botocore compatibility check")
	}
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocoretest: python3 failed: %v\n%s", err, stderr.String())
	}
	var res []Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("botocoretest: bad output: %v\n%s", err, out)
	}
	if len(res) != len(jobs) {
		t.Fatalf("botocoretest: %d results for %d jobs", len(res), len(jobs))
	}
	return res
}
