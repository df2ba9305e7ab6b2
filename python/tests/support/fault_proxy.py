"""A plain-HTTP front for the real server that injects transient faults (as test/support/fault-proxy.ts):
answer 503 with Retry-After, or read the request and close the connection without answering."""

from __future__ import annotations

import http.client
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, List
from urllib.parse import urlsplit

from .ports import free_port


class FaultProxy:
    def __init__(self, upstream: str, ca_file: str) -> None:
        self._upstream = urlsplit(upstream)
        self._context = ssl.create_default_context(cafile=ca_file)
        #: Faults to inject, one per request, in order: "503" or "drop"; requests after them pass through.
        self.faults: List[str] = []
        #: Every request seen: (method, path).
        self.seen: List[tuple] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length) if length else None
                proxy.seen.append((self.command, self.path))
                fault = proxy.faults.pop(0) if proxy.faults else None
                if fault == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "503":
                    text = b"Service busy, try again"
                    self.send_response(503)
                    self.send_header("retry-after", "0")
                    self.send_header("content-type", "text/plain")
                    self.send_header("content-length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                    return
                up = http.client.HTTPSConnection(proxy._upstream.hostname, proxy._upstream.port, context=proxy._context, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                up.request(self.command, self.path, body=body, headers=headers)
                answer = up.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive"):
                        self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                up.close()

            do_GET = do_POST = do_DELETE = _relay

        return Handler
