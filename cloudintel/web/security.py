"""What stands between the web app and the network: a Host allow-list (so a rebinding DNS name cannot
read the API from a visitor's browser), security headers with a same-origin Content Security Policy,
and, whenever the app is reachable beyond loopback, a token (`CLOUDINTEL_WEB_TOKEN`).

The token travels as `Authorization: Bearer <token>`, or as a cookie (HttpOnly, SameSite=Strict)
that `?token=<token>` on any page sets once, for browsers.

Writes (an analyst's corrections, `POST /api/events/{id}/...`) need the token always, on loopback too:
a server started without `CLOUDINTEL_WEB_TOKEN` refuses them (403). They also refuse what a page of
another origin could make a browser send with the cookie: a body that is not JSON (a plain HTML form
cannot send one; a script of another origin could only after a CORS preflight, which the app never
grants), and a request whose `Origin` or `Sec-Fetch-Site` says it came from another origin (the
`Origin` is compared with the `Host` header: a reverse proxy in front must pass the Host on).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from core.errors import UsageError

COOKIE = "cloudintel_token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def is_loopback(host: str) -> bool:
    """Whether binding to `host` keeps the app on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def protect(app: FastAPI, bound_host: str, token: str | None, extra_hosts: list[str]) -> None:
    """Add the Host allow-list, the security headers and (with a token) the token check to `app`;
    refuse to serve beyond loopback without a token."""
    if not is_loopback(bound_host) and not token:
        raise UsageError(
            f"--host {bound_host} makes the timeline reachable from the network; set CLOUDINTEL_WEB_TOKEN "
            "(a long random string) so that only holders of the token can read it"
        )

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if token:
            given = request.query_params.get("token")
            if given is not None and _same(given, token):
                response: Response = RedirectResponse(request.url.remove_query_params("token").path, 303)
                response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
                return _headed(response)
            if not _authorised(request, token):
                return _headed(
                    JSONResponse(
                        {"detail": "a token is required: Authorization: Bearer <token>, or ?token=<token>"},
                        status_code=401,
                        headers={"WWW-Authenticate": "Bearer"},
                    )
                )
        return _headed(await call_next(request))

    hosts = {*LOOPBACK_NAMES, bound_host.strip("[]"), *extra_hosts}
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=sorted(hosts))
    app.state.write_token = token


def can_write(app: FastAPI) -> bool:
    """Whether the app takes corrections: only when it was started with a token."""
    return bool(getattr(app.state, "write_token", None))


def writer(request: Request) -> None:
    """A dependency of every write endpoint: refuse the request (401, 403 or 415, with a message that
    says what to do) unless the server has a token, the request carries it, and it comes as JSON from
    the app's own origin (or from no browser page at all: a script with the Bearer header)."""
    token: str | None = getattr(request.app.state, "write_token", None)
    if not token:
        raise HTTPException(
            403,
            "corrections are off: this server was started without CLOUDINTEL_WEB_TOKEN; start "
            "`cloudintel web` with it set, open the page once with ?token=<token>, or use `cloudintel event`",
        )
    if not _authorised(request, token):  # the guard has refused it already; kept here for writes
        raise HTTPException(
            401,
            "a token is required: Authorization: Bearer <token>, or ?token=<token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, "send the correction as JSON (Content-Type: application/json)")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
        raise HTTPException(403, f"a correction from another origin ({origin}) is refused")
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise HTTPException(403, f"a correction from another site ({site}) is refused")


def _authorised(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    bearer = header[7:] if header.lower().startswith("bearer ") else ""
    return _same(bearer, token) or _same(request.cookies.get(COOKIE, ""), token)


def _same(given: str, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _headed(response: Response) -> Response:
    response.headers.update(HEADERS)
    return response
