"""Serves local photos from a moto S3 server on 127.0.0.1 until stdin closes: the source of the classify-from-S3 tests.

Usage: s3_photo_server.py BUCKET PREFIX FILE...
Uploads each FILE as s3://BUCKET/PREFIX<file name> (public-read, so anonymous reads work too), then prints
{"endpoint": "http://127.0.0.1:PORT"} and serves until its standard input reaches end of file.
"""
import json
import logging
import os
import sys

import boto3
from moto.server import ThreadedMotoServer


def main(bucket, prefix, files):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket=bucket, ACL="public-read")
    for path in files:
        with open(path, "rb") as f:
            s3.put_object(Bucket=bucket, Key=prefix + os.path.basename(path), Body=f.read(), ACL="public-read")
    print(json.dumps({"endpoint": endpoint}), flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
