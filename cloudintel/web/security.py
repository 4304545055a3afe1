"""What stands between the web app and the network: a Host allow-list (so a rebinding DNS name cannot
read the API from a visitor's browser), security headers with a same-origin Content Security Policy,
and, whenever the app is reachable beyond loopback, a token (`CLOUDINTEL_WEB_TOKEN`).

The token travels as `Authorization: Bearer <token>`, or as a cookie (HttpOnly, SameSite=Strict)
that `?token=<token>` on any page sets once, for browsers.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
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


def _authorised(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    bearer = header[7:] if header.lower().startswith("bearer ") else ""
    return _same(bearer, token) or _same(request.cookies.get(COOKIE, ""), token)


def _same(given: str, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _headed(response: Response) -> Response:
    response.headers.update(HEADERS)
    return response
