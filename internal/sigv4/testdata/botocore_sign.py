"""Signs requests with botocore's SigV4 signers for sigv4's tests.

Reads a JSON list of cases on stdin and writes the signed requests as JSON
on stdout. Exits with status 3 when botocore is not installed.
"""
import datetime
import json
import sys

try:
    import botocore
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    sys.exit(3)

SIGNERS = {
    "v4": lambda c, s, r, e: botocore.auth.SigV4Auth(c, s, r),
    "v4query": lambda c, s, r, e: botocore.auth.SigV4QueryAuth(c, s, r, expires=e),
    "s3": lambda c, s, r, e: botocore.auth.S3SigV4Auth(c, s, r),
    "s3query": lambda c, s, r, e: botocore.auth.S3SigV4QueryAuth(c, s, r, expires=e),
}


def main():
    spec = json.load(sys.stdin)
    when = datetime.datetime.strptime(spec["time"], "%Y%m%dT%H%M%SZ")
    # Sign at a fixed time so that the test's clock can be fixed too.
    botocore.auth.get_current_datetime = lambda *a, **k: when
    out = []
    for case in spec["cases"]:
        creds = Credentials(case["akid"], case["secret"], case.get("token") or None)
        signer = SIGNERS[case["signer"]](creds, case["service"], case["region"], case.get("expires", 3600))
        req = AWSRequest(method=case["method"], url=case["url"], data=case.get("body", "").encode("utf-8"),
                         headers=case.get("headers", {}))
        signer.add_auth(req)
        prepared = req.prepare()
        out.append({
            "name": case["name"],
            "method": prepared.method,
            "url": prepared.url,
            "headers": [[k, v] for k, v in prepared.headers.items()],
            "body": case.get("body", ""),
            "time": req.context["timestamp"],
        })
    json.dump({"botocore": botocore.__version__, "requests": out}, sys.stdout)


main()
