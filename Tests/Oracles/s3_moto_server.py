"""Runs a moto S3 server on 127.0.0.1 (a free port), seeded by s3_seed.py, until stdin closes.

Usage: s3_moto_server.py open|strict

Prints one JSON line once the server answers and is seeded: {"endpoint": "http://127.0.0.1:PORT", ...}
plus, for strict, the IAM access key the seeding created. Then it serves until its standard
input reaches end of file (the test closes it, or dies), so no server outlives its test run.

The 1,205 keys of the open mode's many-keys bucket go straight into moto's backend in this
process: through HTTP they take 10-30 s on two busy cores, directly well under one.
"""
import json
import logging
import sys

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.s3.models import get_canned_acl, s3_backends
from moto.server import ThreadedMotoServer

import s3_seed


def put_many(bucket, keys):
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for key in keys:
        backend.put_object(bucket, key, s3_seed.body(key)).acl = get_canned_acl("public-read")


def main(mode):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request is noise here
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    info = {"endpoint": endpoint}
    if mode == "open":
        s3_seed.seed_open(endpoint, put_many=put_many, quiet=True)
    else:
        info.update(s3_seed.seed_strict(endpoint, quiet=True))
    print(json.dumps(info), flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main(sys.argv[1])
