"""Seeds a local moto S3 server with the buckets ObjectStorageTests read.

Usage: s3_seed.py ENDPOINT open|strict      (s3_moto_server.py imports it to seed in-process)

open   — auth off (moto's default). Buckets:
         public-images   a few public-read objects (odd key characters, a 5,000-byte big.bin)
         private-images  one private object (anonymous GET must get 403)
         many-keys       1,205 public keys under img/ plus other/x.jpg, written in shuffled order
strict — creates an IAM user with s3:* and an access key, a bucket signed-images, then turns
         moto's request authentication on (every later request must carry a valid SigV4
         signature: moto recomputes it with botocore). Prints {"access_key", "secret_key"}.

Object bodies are b"body of " + key, so a test knows what to expect without asking.
"""
import http.client
import json
import random
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

PUBLIC_KEYS = ["cats/a.jpg", "cats/b b.jpg", "cats/\u00fc.png", "cats/x+y=z&w.jpg", "dogs/c.jpg"]
SIGNED_KEYS = ["photos/a.jpg", "photos/space name+plus.jpg", "photos/\u00fcn\u00ef.jpg", "photos/x=y&z~.jpg", "readme.txt"]
MANY = 1205


def body(key):
    return b"body of " + key.encode()


def client(endpoint, key="seed", secret="seed"):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 10, "mode": "standard"}, max_pool_connections=16))


def put_plain(endpoint, bucket, keys):
    host = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    for key in keys:
        connection.request("PUT", f"/{bucket}/{urllib.parse.quote(key)}", body=body(key),
                           headers={"x-amz-acl": "public-read"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (key, response.status)
    connection.close()


def seed_open(endpoint, put_many=None, quiet=False):
    s3 = client(endpoint)
    s3.create_bucket(Bucket="public-images")
    for key in PUBLIC_KEYS:
        s3.put_object(Bucket="public-images", Key=key, Body=body(key), ACL="public-read")
    s3.put_object(Bucket="public-images", Key="big.bin", Body=bytes(range(250)) * 20, ACL="public-read")
    s3.create_bucket(Bucket="private-images")
    s3.put_object(Bucket="private-images", Key="secret.jpg", Body=body("secret.jpg"), ACL="private")
    s3.create_bucket(Bucket="many-keys")
    keys = [f"img/{i:05d}.jpg" for i in range(MANY)] + ["other/x.jpg"]
    random.Random(7).shuffle(keys)
    if put_many:
        put_many("many-keys", keys)
    else:
        # Plain unsigned PUTs (auth is off) on kept-alive connections: boto3 per key is 5x slower.
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda part: put_plain(endpoint, "many-keys", part), [keys[i::4] for i in range(4)]))
    if not quiet:
        print(json.dumps({"ok": True}))


def seed_strict(endpoint, quiet=False):
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="seed", aws_secret_access_key="seed")
    iam.create_user(UserName="batchvision")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName="batchvision", PolicyName="s3", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="batchvision")["AccessKey"]
    s3 = client(endpoint)
    s3.create_bucket(Bucket="signed-images")
    for k in SIGNED_KEYS:
        s3.put_object(Bucket="signed-images", Key=k, Body=body(k))
    request = urllib.request.Request(
        endpoint + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request).read()
    # The signer must now be right: check with boto3 itself that auth is really on.
    try:
        client(endpoint, key["AccessKeyId"], "wrong").list_objects_v2(Bucket="signed-images")
        raise SystemExit("moto accepted a wrong secret: authentication is not on")
    except s3.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "SignatureDoesNotMatch", error.response
    client(endpoint, key["AccessKeyId"], key["SecretAccessKey"]).list_objects_v2(Bucket="signed-images")
    info = {"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}
    if not quiet:
        print(json.dumps(info))
    return info


if __name__ == "__main__":
    endpoint, mode = sys.argv[1], sys.argv[2]
    {"open": seed_open, "strict": seed_strict}[mode](endpoint)
