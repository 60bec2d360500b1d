"""Drives boto3 clients against a test endpoint for sigv4's tests.

Usage: boto3_calls.py ENDPOINT_URL. Credentials come from the environment
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). The endpoint uses a self-signed
certificate. Responses are ignored: the Go test checks what the server
verified. Exits with status 3 when boto3 is not installed.
"""
import io
import sys
import warnings

try:
    import boto3
    from botocore.config import Config
except ImportError:
    sys.exit(3)

warnings.filterwarnings("ignore")
endpoint = sys.argv[1]
cfg = Config(region_name="us-east-1", retries={"max_attempts": 1}, s3={"addressing_style": "path"})


def client(name):
    return boto3.client(name, endpoint_url=endpoint, verify=False, config=cfg)


def call(fn, **kw):
    try:
        fn(**kw)
    except Exception:  # the server answers with empty bodies
        pass


s3 = client("s3")
call(s3.put_object, Bucket="bucket", Key="small key+plus=.txt", Body=b"hello boto3")
call(s3.put_object, Bucket="bucket", Key="stream", Body=io.BytesIO(bytes(range(256)) * 4096))
call(s3.list_objects_v2, Bucket="bucket", Prefix="a b/ü")
call(client("iam").list_users, PathPrefix="/team a/")
call(client("sts").get_caller_identity)
call(client("sagemaker").list_domains, MaxResults=5)
call(client("secretsmanager").get_secret_value, SecretId="db/password")
# Presigned URLs are SigV4 only when asked for; the default is SigV2.
s3v4 = boto3.client("s3", endpoint_url=endpoint, verify=False,
                    config=cfg.merge(Config(signature_version="s3v4")))
url = s3v4.generate_presigned_url("get_object", Params={"Bucket": "bucket", "Key": "pre signed.txt"}, ExpiresIn=300)
print(url)
