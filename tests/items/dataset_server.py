"""A file server process that plays a dataset mirror in tests (127.0.0.1 only).

``python dataset_server.py ROOT`` serves the files under ROOT on a free port and prints
``PORT <n>``. ``GET /__stats`` answers ``{"requests": {path: count}}`` (file requests only).
A file ``X`` with a sibling ``X.truncate`` is served with its full ``Content-Length`` but
only half its bytes, then the connection is closed (a download cut short).
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve()
COUNTS: Counter[str] = Counter()
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self) -> None:
        if self.path == "/__stats":
            with LOCK:
                body = json.dumps({"requests": dict(COUNTS)}).encode()
            self._send(200, body)
            return
        with LOCK:
            COUNTS[self.path] += 1
        target = (ROOT / self.path.lstrip("/")).resolve()
        if ROOT not in target.parents or not target.is_file():
            self._send(404, b"not found")
            return
        data = target.read_bytes()
        if target.with_name(target.name + ".truncate").exists():
            self._send(200, data[: len(data) // 2], length=len(data))
            self.close_connection = True
            return
        self._send(200, data)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
