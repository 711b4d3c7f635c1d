"""Answers GET /v1/models; on POST /v1/completions the process kills itself with SIGSEGV."""

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = json.dumps({"object": "list", "data": [{"id": "crashing", "object": "model"}]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        print("ggml_compute_forward: illegal instruction in a prompt batch of 6 tokens", flush=True)
        os.kill(os.getpid(), signal.SIGSEGV)


arguments = sys.argv[1:]
options = dict(zip(arguments[::2], arguments[1::2], strict=True))
HTTPServer((options["--host"], int(options["--port"])), Handler).serve_forever()
