"""What keeps the web application safe: signed values, CSRF tokens, rate limits, and an
ASGI guard that bounds request bodies and sets the security headers of every response.

Nothing here keeps server-side sessions: a session is a signed cookie (HMAC-SHA256 of
its content with the server's secret), and a CSRF token is an HMAC of what the form is
for and whom it is for (the session, the login page's visitor, or the survey code), so
a token taken from one form is worthless on another.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "BodyTooLarge",
    "Guard",
    "RateLimiter",
    "Signer",
]

#: No script at all; styles and images from this server only; forms post here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)

_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # A survey code travels in the URL: never tell another site where the visitor was.
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs and checks values with one secret (at least 32 bytes)."""

    def __init__(self, secret: bytes | None = None) -> None:
        self.secret = secret if secret is not None else secrets.token_bytes(32)
        if len(self.secret) < 32:
            raise ValueError("a signing secret of at least 32 bytes")

    def mac(self, *parts: str) -> str:
        message = "\x1f".join(parts).encode("utf-8")
        return _b64(hmac.new(self.secret, message, hashlib.sha256).digest())

    def sign(self, value: dict[str, Any], now: float) -> str:
        """``value`` (JSON) with the time it was signed, as ``payload.mac``."""
        payload = _b64(json.dumps({**value, "iat": int(now)}, separators=(",", ":")).encode())
        return f"{payload}.{self.mac('cookie', payload)}"

    def unsign(self, token: str | None, max_age: float, now: float) -> dict[str, Any] | None:
        """The value of a signed ``token`` younger than ``max_age`` seconds, or ``None``
        for anything forged, altered, expired or malformed."""
        if not token or token.count(".") != 1:
            return None
        payload, mac = token.split(".")
        if not hmac.compare_digest(mac, self.mac("cookie", payload)):
            return None
        try:
            value = json.loads(_unb64(payload))
        except ValueError:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("iat"), int):
            return None
        if not 0 <= now - value["iat"] <= max_age:
            return None
        return value

    def csrf(self, purpose: str, binding: str) -> str:
        """The CSRF token of the forms of ``purpose`` for ``binding``."""
        return self.mac("csrf", purpose, binding)

    def check_csrf(self, token: str | None, purpose: str, binding: str | None) -> bool:
        if not token or not binding:
            return False
        return hmac.compare_digest(token, self.csrf(purpose, binding))


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key (a client address,
    a login), in a sliding window. Memory is bounded: past ``max_keys`` keys, the
    least recently seen is forgotten."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self.events: collections.OrderedDict[str, collections.deque[float]] = (
            collections.OrderedDict()
        )
        self.lock = threading.Lock()

    def _recent(self, key: str, now: float) -> collections.deque[float]:
        found = self.events.get(key)
        if found is None:
            found = self.events[key] = collections.deque()
            while len(self.events) > self.max_keys:
                self.events.popitem(last=False)
        self.events.move_to_end(key)
        while found and found[0] <= now - self.window:
            found.popleft()
        return found

    def blocked(self, key: str) -> float:
        """Seconds until ``key`` may act again (0: it may now)."""
        with self.lock:
            now = self.clock()
            recent = self._recent(key, now)
            if len(recent) < self.limit:
                return 0.0
            return max(recent[0] + self.window - now, 0.001)

    def hit(self, key: str) -> float:
        """Count one event of ``key``; returns :meth:`blocked` as it was before it, so
        a blocked event is refused and not counted."""
        with self.lock:
            now = self.clock()
            recent = self._recent(key, now)
            if len(recent) >= self.limit:
                return max(recent[0] + self.window - now, 0.001)
            recent.append(now)
            return 0.0

    def forget(self, key: str) -> None:
        with self.lock:
            self.events.pop(key, None)


class BodyTooLarge(Exception):
    """A request body past the guard's limit."""


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Guard:
    """ASGI middleware: refuses bodies over ``max_body`` bytes with 413 (by their
    declared length, and by counting what arrives), and adds the security headers
    (:data:`CONTENT_SECURITY_POLICY` and friends) to every response."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body
        #: The wrapped application's state (Starlette's ``app.state``), if it has one.
        self.state: Any = getattr(app, "state", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_body):
                await _too_large(send_with_headers)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _too_large(send_with_headers)


async def _too_large(send: Send) -> None:
    body = "413: yêu cầu quá lớn (request too large)".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
