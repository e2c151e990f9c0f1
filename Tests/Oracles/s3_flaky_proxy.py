"""An HTTP proxy in front of a local S3 server that fails on purpose, for retry tests.

Usage: s3_flaky_proxy.py UPSTREAM      prints the port it listens on (127.0.0.1), then serves.

Control it over HTTP (the counters reset on every config):
  POST /__flaky__/config  {"fail_first": N, "fail_every": K, "chunked": false}
      answer the first N requests, and then every K-th one, with 503 SlowDown;
      chunked=true sends successful bodies with Transfer-Encoding: chunked and no Content-Length.
  GET  /__flaky__/stats   {"requests": n, "failed": m}   (control requests not counted)
Everything else is forwarded to UPSTREAM with its method, path, query and headers.
"""
import json
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_DOWN = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
             b'<Message>Please reduce your request rate.</Message></Error>')
# Host is kept: signed requests signed it, and the upstream recomputes the signature with it.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade"}


class State:
    lock = threading.Lock()
    config = {"fail_first": 0, "fail_every": 0, "chunked": False}
    requests = 0
    failed = 0

    @classmethod
    def should_fail(cls):
        with cls.lock:
            cls.requests += 1
            n = cls.requests
            first, every = cls.config["fail_first"], cls.config["fail_every"]
            fail = n <= first or (every > 0 and (n - first) % every == 0)
            cls.failed += fail
            return fail


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = ""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/__flaky__/stats":
            with State.lock:
                return self.reply(200, {}, json.dumps({"requests": State.requests, "failed": State.failed}).encode())
        self.forward()

    def do_POST(self):
        if self.path == "/__flaky__/config":
            config = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            with State.lock:
                State.config = {"fail_first": 0, "fail_every": 0, "chunked": False, **config}
                State.requests = State.failed = 0
            return self.reply(200, {}, b"{}")
        self.forward()

    def forward(self):
        if State.should_fail():
            return self.reply(503, {"Content-Type": "application/xml"}, SLOW_DOWN)
        length = int(self.headers.get("content-length", 0))
        data = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        request = urllib.request.Request(self.upstream + self.path, data=data, headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, reply_headers, body = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, reply_headers, body = error.code, dict(error.headers), error.read()
        reply_headers = {k: v for k, v in reply_headers.items() if k.lower() not in HOP_BY_HOP}
        chunked = State.config["chunked"] and 200 <= status < 300
        self.reply(status, reply_headers, body, chunked=chunked)

    def reply(self, status, headers, body, chunked=False):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 1000):
                piece = body[start:start + 1000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


if __name__ == "__main__":
    Handler.upstream = sys.argv[1].rstrip("/")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()
