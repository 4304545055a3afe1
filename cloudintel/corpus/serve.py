#!/usr/bin/env python3
"""Serve the cloudintel development corpus over loopback HTTP (Python 3.11, stdlib only).

Command line:

    python3 serve.py [--port 0] [--dir DIR] [--quiet]

starts a threaded static HTTP server on 127.0.0.1 and prints the base URL
(``http://127.0.0.1:PORT``) as the first line on stdout. ``--port 0`` (the
default) picks a free port. ``--dir`` defaults to the folder this file is in,
so ``python3 path/to/dev-corpus/serve.py`` works from anywhere.

Every served ``.xml``, ``.html`` and ``.yaml`` file has the literal text
``{{BASE}}`` replaced by the base URL, so feed links, page links and
``sources.yaml`` point back at this server. Files are served with an ``ETag``
(hash of the served bytes) and ``Last-Modified``, and a matching
``If-None-Match`` is answered ``304 Not Modified``, as real feeds do. Anything that is not a regular
file inside the directory (unknown paths, directories, dot-files, paths that
escape the directory) answers 404.

As a library (e.g. in a pytest fixture):

    from serve import serve
    server, base_url = serve("path/to/dev-corpus")   # runs in a daemon thread
    ...
    server.shutdown(); server.server_close()
"""
from __future__ import annotations

import argparse
import email.utils
import hashlib
import http.server
import sys
import threading
import urllib.parse
from pathlib import Path

__all__ = ["CorpusServer", "make_server", "serve", "main"]

PLACEHOLDER = b"{{BASE}}"
TEMPLATED_SUFFIXES = frozenset({".xml", ".html", ".yaml"})
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".yaml": "application/yaml; charset=utf-8",
    ".jsonl": "application/x-ndjson; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".py": "text/x-python; charset=utf-8",
}
HERE = Path(__file__).resolve().parent


def _xml_content_type(data: bytes) -> str:
    head = data[:1024].lower()
    if b"<rss" in head:
        return "application/rss+xml; charset=utf-8"
    if b"<feed" in head:
        return "application/atom+xml; charset=utf-8"
    return "application/xml; charset=utf-8"


class CorpusHandler(http.server.BaseHTTPRequestHandler):
    server_version = "cloudintel-devcorpus/1.0"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the client's delayed ACK held
    # every keep-alive response ~30 ms on loopback (31 ms per sequential fetch, 0.6 ms with this).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _target(self) -> Path | None:
        root: Path = self.server.root  # type: ignore[attr-defined]
        raw_path = urllib.parse.urlsplit(self.path).path
        parts = [p for p in urllib.parse.unquote(raw_path).split("/") if p not in ("", ".")]
        if any(p == ".." or p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
            return None
        try:
            target = root.joinpath(*parts).resolve()
        except (OSError, ValueError):
            return None
        if target != root and root not in target.parents:
            return None
        return target if target.is_file() else None

    def _respond(self, send_body: bool) -> None:
        target = self._target()
        if target is None:
            self._send(404, b"404 Not Found\n", "text/plain; charset=utf-8", send_body)
            return
        try:
            data = target.read_bytes()
        except OSError:
            self._send(404, b"404 Not Found\n", "text/plain; charset=utf-8", send_body)
            return
        suffix = target.suffix.lower()
        if suffix in TEMPLATED_SUFFIXES:
            data = data.replace(PLACEHOLDER, self.server.base_url.encode("ascii"))  # type: ignore[attr-defined]
        if suffix == ".xml":
            ctype = _xml_content_type(data)
        else:
            ctype = CONTENT_TYPES.get(suffix, "application/octet-stream")
        validators = {
            "ETag": '"%s"' % hashlib.sha256(data).hexdigest()[:20],
            "Last-Modified": email.utils.formatdate(target.stat().st_mtime, usegmt=True),
        }
        if self.headers.get("If-None-Match") == validators["ETag"]:
            self._send(304, b"", ctype, False, validators)
            return
        self._send(200, data, ctype, send_body, validators)

    def _send(
        self, status: int, body: bytes, ctype: str, send_body: bool, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature from base class)
        if not getattr(self.server, "quiet", True):
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))


class CorpusServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, directory: str | Path, port: int = 0, quiet: bool = True) -> None:
        root = Path(directory).resolve()
        if not root.is_dir():
            raise NotADirectoryError(f"not a directory: {root}")
        self.root = root
        self.quiet = quiet
        super().__init__(("127.0.0.1", port), CorpusHandler)
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """A client hanging up mid-request is normal for a crawler: log it only when not quiet."""
        if not self.quiet:
            super().handle_error(request, client_address)


def make_server(directory: str | Path = HERE, port: int = 0, quiet: bool = True) -> CorpusServer:
    """Bind the server (not yet serving). ``port=0`` picks a free port."""
    return CorpusServer(directory, port, quiet)


def serve(directory: str | Path = HERE, port: int = 0, *, quiet: bool = True) -> tuple[CorpusServer, str]:
    """Start serving ``directory`` in a daemon thread; return ``(server, base_url)``.

    Stop it with ``server.shutdown(); server.server_close()``.
    """
    server = make_server(directory, port, quiet)
    thread = threading.Thread(target=server.serve_forever, name="devcorpus-http", daemon=True)
    thread.start()
    return server, server.base_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the cloudintel dev corpus on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0 = any free port; default 0)")
    parser.add_argument("--dir", default=str(HERE), help="corpus directory (default: the folder serve.py is in)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    args = parser.parse_args(argv)
    try:
        server = make_server(args.dir, args.port, quiet=args.quiet)
    except (OSError, NotADirectoryError) as exc:
        print(f"serve.py: {exc}", file=sys.stderr)
        return 2
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
