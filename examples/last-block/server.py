#!/usr/bin/env python3
"""A tiny HTTP function: the latest block of an Ethereum node, as JSON.

  GET / or /last-block  200 {"number": N, "hash": "0x...", "timestamp": T}
                        502 {"error": "..."} when the node is unreachable or answers badly
  GET /healthz          200 {"ok": true} while the server runs (for probes; no node call)

Settings (flag, else environment variable, else default):
  --rpc-url  RPC_URL  http://127.0.0.1:8545  JSON-RPC endpoint; user:password@ in it is sent
                                             as HTTP basic auth
  --host     HOST     127.0.0.1              address to listen on
  --port     PORT     8080
  --timeout  RPC_TIMEOUT  5                  seconds per node request

Standard library only, so it runs from a stock python image.
"""

import argparse
import base64
import json
import os
import signal
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit, urlunsplit


class NodeError(Exception):
    """The node could not give us the latest block."""


class Node:
    def __init__(self, url, timeout):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"RPC URL must be http(s)://host[:port][/path], got {url!r}")
        netloc = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        # urllib does not take credentials from the URL: send them as a header, and keep them
        # out of the URL that appears in logs and errors.
        self.url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        self.headers = {"Content-Type": "application/json"}
        if parts.username is not None:
            creds = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            self.headers["Authorization"] = "Basic " + base64.b64encode(creds.encode()).decode()
        self.timeout = timeout

    def call(self, method, params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        request = urllib.request.Request(self.url, body.encode(), self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.load(response)
        except urllib.error.HTTPError as e:
            raise NodeError(f"node at {self.url} answered HTTP {e.code}") from None
        except (urllib.error.URLError, OSError) as e:  # refused, DNS, timeout, reset
            reason = getattr(e, "reason", e)
            raise NodeError(f"node at {self.url} is unreachable: {reason}") from None
        except ValueError:
            raise NodeError(f"node at {self.url} did not answer JSON") from None
        if not isinstance(reply, dict):
            raise NodeError(f"node at {self.url} sent a malformed JSON-RPC reply")
        if reply.get("error"):
            raise NodeError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def last_block(self):
        block = self.call("eth_getBlockByNumber", ["latest", False])
        try:
            return {
                "number": int(block["number"], 16),
                "hash": block["hash"],
                "timestamp": int(block["timestamp"], 16),
            }
        except (TypeError, KeyError, ValueError):
            raise NodeError("eth_getBlockByNumber returned no usable block") from None


def make_handler(node):
    class Handler(BaseHTTPRequestHandler):
        server_version = "last-block/1"

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in ("/", "/last-block"):
                try:
                    self.reply(200, node.last_block())
                except NodeError as e:
                    self.reply(502, {"error": str(e)})
            elif path == "/healthz":
                self.reply(200, {"ok": True})
            else:
                self.reply(404, {"error": f"no such path {path}; try GET /last-block"})

        def reply(self, status, payload):
            body = json.dumps(payload).encode() + b"\n"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_request(self, code="-", size="-"):
            if not self.path.startswith("/healthz"):  # probes would drown the log
                super().log_request(code, size)

    return Handler


def main():
    env = os.environ
    p = argparse.ArgumentParser(description="Serve the latest block of an Ethereum node as JSON.")
    p.add_argument("--rpc-url", default=env.get("RPC_URL", "http://127.0.0.1:8545"))
    p.add_argument("--host", default=env.get("HOST", "127.0.0.1"))
    # String defaults go through `type`, so a bad PORT or RPC_TIMEOUT is a usage error too.
    p.add_argument("--port", type=int, default=env.get("PORT", "8080"))
    p.add_argument("--timeout", type=float, default=env.get("RPC_TIMEOUT", "5"))
    args = p.parse_args()
    try:
        node = Node(args.rpc_url, args.timeout)
    except ValueError as e:
        p.error(str(e))

    server = ThreadingHTTPServer((args.host, args.port), make_handler(node))
    # As PID 1 in a container, SIGTERM is ignored unless handled: exit cleanly on it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    host, port = server.server_address[:2]
    print(f"last-block: serving http://{host}:{port}/last-block from {node.url}",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
