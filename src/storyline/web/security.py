"""Request guards: security headers, body size limits, the write token, loopback checks."""

from __future__ import annotations

import hmac
import html
import ipaddress
import json
from typing import Any, Awaitable, Callable

from fastapi import HTTPException, Request

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
MB = 1024 * 1024
MAX_UPLOAD = 20 * MB  # multipart bodies: file uploads
MAX_JSON = 2 * MB  # every other body


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _TooLarge(Exception):
    pass


ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


class GuardMiddleware:
    """Adds the security headers to every response and caps request bodies.

    A declared Content-Length over the limit gets 413 before any body is read; a
    body without one is counted as it streams and cut off at the limit. A request
    that names its body twice (two Content-Type or Content-Length headers, which
    parts of a stack may read differently) or carries a NUL byte is refused. With
    ``loopback_only`` (a server without auth) so is a Host that is not this machine:
    a page elsewhere could otherwise rebind its own name to 127.0.0.1 and write.
    """

    def __init__(self, app: ASGIApp, loopback_only: bool = False):
        self.app = app
        self.loopback_only = loopback_only

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self._refused(scope)
        if problem:
            await _json_response(send, 400, {"detail": problem})
            return
        headers = dict(scope.get("headers") or [])
        is_multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
        limit = MAX_UPLOAD if is_multipart else MAX_JSON
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, scope, limit, is_multipart)
            return
        state = {"read": 0, "over": False, "started": False}

        async def counting_receive() -> dict:
            message = await receive()
            if message["type"] == "http.request":
                state["read"] += len(message.get("body", b""))
                if state["read"] > limit:
                    state["over"] = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: dict) -> None:
            if state["over"]:  # the app answered a cut-off body its own way: replace that answer
                if message["type"] == "http.response.start" and not state["started"]:
                    state["started"] = True
                    await _too_large(send, scope, limit, is_multipart)
                return
            if message["type"] == "http.response.start":
                state["started"] = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if not state["started"]:
                state["started"] = True
                await _too_large(send, scope, limit, is_multipart)
        except Exception:
            # Answer here, with the headers, before the server's error handler answers without them.
            if not state["started"]:
                state["started"] = True
                await _json_response(send, 500, {"detail": "internal server error"})
            raise


    def _refused(self, scope: dict) -> str | None:
        names = [name.lower() for name, _ in scope.get("headers") or []]
        if names.count(b"content-type") > 1 or names.count(b"content-length") > 1:
            return "more than one Content-Type or Content-Length header"
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            return "a NUL byte in the request"
        if self.loopback_only:
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if not is_loopback(name):
                return f"this server (no token) answers only to a loopback Host, not {host[:60]!r}"
        return None


def is_api_path(path: str) -> bool:
    """Whether a request is the API's (answered in JSON) rather than a page's (answered in HTML)."""
    return path.startswith("/api")


async def _too_large(send: Any, scope: dict, limit: int, is_multipart: bool) -> None:
    what = "file uploads (multipart)" if is_multipart else "JSON and form bodies"
    message = f"request body too large: the limit for {what} is {limit // MB} MB"
    if is_api_path(scope.get("path", "")):
        await _json_response(send, 413, {"detail": message})
        return
    # a page's form (the upload form): a page back, not JSON in the browser
    page = (f"<!doctype html><html lang=en><meta charset=utf-8><title>413 · storyline</title>"
            f"<h1>Too large</h1><p>{html.escape(message)}.</p><p><a href=\"/ingest\">Back to the upload form</a></p></html>")
    await _respond(send, 413, b"text/html; charset=utf-8", page.encode())


async def _json_response(send: Any, status: int, payload: dict) -> None:
    await _respond(send, status, b"application/json", json.dumps(payload).encode())


async def _respond(send: Any, status: int, content_type: bytes, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class TokenCheck:
    """Who may write: anyone (auth off), nobody (auth on, no token set) or holders of the token."""

    def __init__(self, token: str | None, auth: bool):
        self.token = token
        self.auth = auth

    def require(self, provided: str | None) -> None:
        if not self.auth:
            return
        if not self.token:
            raise HTTPException(403, "writes are disabled: the server has no token (set STORYLINE_TOKEN)")
        if not provided:
            raise HTTPException(401, "missing token: send 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(provided.encode(), self.token.encode()):
            raise HTTPException(403, "invalid token")

    def require_bearer(self, request: Request) -> None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        self.require(value.strip() if scheme.lower() == "bearer" else None)


def same_origin(request: Request) -> bool:
    """False when a browser says the request comes from another site (a form posted from elsewhere).

    Sec-Fetch-Site is asked first: with Referrer-Policy no-referrer, browsers
    send ``Origin: null`` even for a form on this very site.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser form post (curl, scripts): the token decides
    return origin != "null" and origin.split("://", 1)[-1] == request.headers.get("host", "")
