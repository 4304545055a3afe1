"""A loopback HTTP server that misbehaves on purpose, for the pipeline's bad-input tests.

Each path is one fault; `hits[path]` counts the requests it received, `headers[path]` are the last one's
headers.
"""

from __future__ import annotations

import gzip
import http.server
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from email.message import Message

GOOD_PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>Good page</title>
<meta property="article:published_time" content="2025-05-01T12:00:00Z"></head>
<body><article><h1>Good page</h1><p>Nscale agreed to supply Microsoft with GPU capacity in Norway under a
multi-year contract, the companies said on Thursday, in a deal that adds to the capacity Microsoft rents.</p>
<p>The agreement covers a new facility that will be built near a hydroelectric plant and brought online next
year, according to a statement from both companies.</p></article></body></html>"""

MALFORMED_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Broken & Co</title>
<item><title>Oracle & OpenAI sign a deal</title><link>/good</link>
<pubDate>Tue, 22 Jul 2025 17:45:00 +0100</pubDate></item>
<item><title>Second item</title><link>/status/404</link></item>
</channel>"""

HTML_AS_FEED = b"<!doctype html><html><head><title>News</title></head><body><p>Not a feed</p></body></html>"


Handler = Callable[["FaultHandler"], None]


class FaultHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.hits[path] += 1
        self.server.headers[path] = self.headers
        route = ROUTES.get(path)
        if route is None and path.startswith("/status/"):
            self.send_body(int(path.rsplit("/", 1)[1]), b"status page\n", "text/plain")
            return
        if route is None:
            self.send_body(404, b"not found\n", "text/plain")
            return
        route(self)

    def send_body(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _good(h: FaultHandler) -> None:
    h.send_body(200, GOOD_PAGE, "text/html; charset=utf-8", {"ETag": '"good-v1"'})


def _slow(h: FaultHandler) -> None:
    time.sleep(h.server.slow_seconds)
    h.send_body(200, GOOD_PAGE, "text/html")


def _drip(h: FaultHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(len(GOOD_PAGE)))
    h.end_headers()
    try:
        for i in range(0, len(GOOD_PAGE), 16):
            h.wfile.write(GOOD_PAGE[i : i + 16])
            h.wfile.flush()
            time.sleep(0.4)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _reset(h: FaultHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(GOOD_PAGE[:100])
    h.wfile.flush()
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.wfile.close()
    h.rfile.close()
    h.connection.close()  # linger 0: the peer sees a reset, not a clean end


def _redirect(target: str) -> Handler:
    def handle(h: FaultHandler) -> None:
        h.send_body(302, b"", "text/plain", {"Location": target})

    return handle


def _flaky(h: FaultHandler) -> None:
    if h.server.hits["/flaky"] == 1:
        h.send_body(503, b"busy\n", "text/plain")
    else:
        _good(h)


def _too_many(h: FaultHandler) -> None:
    if h.server.hits["/429"] == 1:
        h.send_body(429, b"slow down\n", "text/plain", {"Retry-After": "1"})
    else:
        _good(h)


def _big(h: FaultHandler) -> None:
    h.send_body(200, b"<html><body><p>" + b"x" * 2_000_000 + b"</p></body></html>", "text/html")


def _big_chunked(h: FaultHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"<p>" + b"y" * 65_536 + b"</p>"
    try:
        for _ in range(40):
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        h.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass


def _gzip_bomb(h: FaultHandler) -> None:
    body = gzip.compress(b"<html><body>" + b"\0" * 50_000_000 + b"</body></html>")
    h.send_body(200, body, "text/html", {"Content-Encoding": "gzip"})


def _undecodable(h: FaultHandler) -> None:
    body = GOOD_PAGE.replace(b"Norway", b"Norw\xff\xfe\xc3y")
    h.send_body(200, body, "text/html; charset=utf-8")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>/good</link></item></channel></rss>"""


def _xxe(h: FaultHandler) -> None:
    secret = f"{h.server.base_url}/secret".encode()
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY file SYSTEM "file:///etc/passwd">'
        b'<!ENTITY remote SYSTEM "' + secret + b'">]>'
        b'<rss version="2.0"><channel><title>x</title><item><title>&file;&remote;</title>'
        b"<link>/good</link></item></channel></rss>"
    )
    h.send_body(200, body, "application/rss+xml")


def _huge(h: FaultHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(2 * 1024**3))
    h.end_headers()
    _drain_zeros(h, 2 * 1024**3)


def _huge_chunked(h: FaultHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"<p>" + b"z" * 1_048_576 + b"</p>"
    try:
        for _ in range(2048):  # 2 GB if nobody hangs up
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        h.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass


def _drain_zeros(h: FaultHandler, size: int) -> None:
    block = b"\0" * 1_048_576
    try:
        for _ in range(size // len(block)):
            h.wfile.write(block)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _truncated(h: FaultHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(len(GOOD_PAGE) + 5000))
    h.end_headers()
    h.wfile.write(GOOD_PAGE[:300])
    h.wfile.flush()
    h.close_connection = True


def _links(h: FaultHandler) -> None:
    links = "".join(f'<li><a href="/status/404?n={i}">story {i}</a></li>' for i in range(100_000))
    h.send_body(200, f"<html><body><ul class='news'>{links}</ul></body></html>".encode(), "text/html")


LATIN1_NO_CHARSET = GOOD_PAGE.replace(b'<meta charset="utf-8">', b"").replace(
    b"Norway", "Tromsø".encode("cp1252")
)
WRONG_CHARSET = GOOD_PAGE.replace(b'charset="utf-8"', b'charset="iso-8859-1"').replace(
    b"Norway", "Tromsø and Zürich".encode()
)


UNCLOSED_SCRIPTS = GOOD_PAGE.replace(b"Norway", b"Finland").replace(
    b"</article>", b"</article>" + b"<script>" * 55_000
)
CLAIMS_GOOD = GOOD_PAGE.replace(b"<head>", b'<head><link rel="canonical" href="/good">').replace(
    b"Nscale agreed to supply Microsoft", b"An impostor says Nscale cancelled its deal with Microsoft"
)
ENTITY_FEED = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"x" * 16_000 + b'">]>'
    b'<rss version="2.0"><channel><title>' + b"&a;" * 4_000 + b"</title>"
    b"<item><title>t</title><link>/good</link></item></channel></rss>"
)


def _bad_links(h: FaultHandler) -> None:
    """A feed whose items link to URLs no fetcher should try, between two good ones."""
    bad = [
        "http://[bad]/",
        "http://[127.0.0.1]/",
        "http://" + "a" * 70_000 + ".test/",
        "http://8.8.8.8%25.attacker.test/",
    ]
    items = [f"<item><title>{i}</title><link>{link}</link></item>" for i, link in enumerate(bad)]
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>'
        "<item><title>good</title><link>/good</link></item>"
        + "".join(items)
        + "<item><title>also good</title><link>/to-good</link></item></channel></rss>"
    )
    h.send_body(200, body.encode(), "application/rss+xml")


def _gzip_stacked(h: FaultHandler) -> None:
    h.send_body(200, gzip.compress(gzip.compress(GOOD_PAGE)), "text/html", {"Content-Encoding": "gzip, gzip"})


def _gzip_dense(h: FaultHandler) -> None:
    """200 MB of zeros in ~200 KB of gzip: one network read inflates to tens of MB."""
    h.send_body(
        200, gzip.compress(b"\0" * 200_000_000, compresslevel=9), "text/html", {"Content-Encoding": "gzip"}
    )


ROUTES: dict[str, Handler] = {
    "/hostile/claims-good": lambda h: h.send_body(200, CLAIMS_GOOD, "text/html"),
    "/hostile/set-cookie": lambda h: h.send_body(
        200, GOOD_PAGE, "text/html", {"Set-Cookie": "tracker=abc; Path=/"}
    ),
    "/hostile/unclosed-scripts": lambda h: h.send_body(200, UNCLOSED_SCRIPTS, "text/html"),
    "/hostile/entities.xml": lambda h: h.send_body(200, ENTITY_FEED, "application/rss+xml"),
    "/hostile/bad-links.xml": _bad_links,
    "/hostile/gzip-stacked": _gzip_stacked,
    "/hostile/gzip-dense": _gzip_dense,
    "/good": _good,
    "/slow": _slow,
    "/drip": _drip,
    "/reset": _reset,
    "/loop/a": _redirect("/loop/b"),
    "/loop/b": _redirect("/loop/a"),
    "/to-private": _redirect("http://10.1.2.3/internal"),
    "/to-good": _redirect("/good"),
    "/flaky": _flaky,
    "/429": _too_many,
    "/pdf": lambda h: h.send_body(200, b"%PDF-1.4 not html", "application/pdf"),
    "/big": _big,
    "/big-chunked": _big_chunked,
    "/gzip-bomb": _gzip_bomb,
    "/undecodable": _undecodable,
    "/malformed-feed.xml": lambda h: h.send_body(200, MALFORMED_FEED, "application/rss+xml"),
    "/html-feed.xml": lambda h: h.send_body(200, HTML_AS_FEED, "text/html"),
    "/robots.txt": lambda h: h.send_body(
        200, b"User-agent: *\nDisallow: /private/\nAllow: /private/open\nDisallow: /*.pdf$\n", "text/plain"
    ),
    "/private/page": _good,
    "/private/open": _good,
    "/report.pdf": _good,
    "/billion-laughs.xml": lambda h: h.send_body(200, BILLION_LAUGHS, "application/rss+xml"),
    "/xxe.xml": _xxe,
    "/huge": _huge,
    "/huge-chunked": _huge_chunked,
    "/truncated": _truncated,
    "/links-100k": _links,
    "/latin1-no-charset": lambda h: h.send_body(200, LATIN1_NO_CHARSET, "text/html"),
    "/wrong-charset": lambda h: h.send_body(200, WRONG_CHARSET, "text/html"),
}


class FaultServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, slow_seconds: float = 3.0) -> None:
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, Message] = {}
        self.slow_seconds = slow_seconds

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up is what several faults are about: not worth a traceback."""

    def start(self) -> FaultServer:
        threading.Thread(target=self.serve_forever, name="fault-server", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
