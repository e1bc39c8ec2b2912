"""gunicorn's own error answers (400, 414, 431…) with our security headers and plain words.

Some requests never reach Flask: gunicorn refuses a request line over `limit_request_line`
(414), too many or too long headers (431) or a malformed request (400) itself, with
`gunicorn.util.write_error`, which sends no security headers and echoes part of the bad
request back (issue 17). `install()` replaces that function, in the master before the
workers fork (web/gunicorn_conf.py's `on_starting`), with one that sends the same status
with the headers every Flask answer carries, `Cache-Control: no-store`, and a short page
that repeats nothing from the request.
"""

from __future__ import annotations

import html
import json
import socket

import gunicorn.util

PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><h1>{title}</h1><p>{words}</p></body></html>"
)
WORDS = {
    400: "Something in what was sent was not right. Please go back and try again.",
    414: "That address is far too long. Please go back and try again.",
    431: "What your browser sent is far too long. Please close some tabs or clear this "
    "site's cookies, then try again.",
    408: "What you sent arrived too slowly, so we stopped waiting. Please try again.",
    411: "Please send the length of what you send (Content-Length).",
    413: "That is too big. We read up to 20 MB at a time. Try fewer papers at once, or a "
    "smaller photo.",
    502: "Something went wrong on our side. Please try again in a little while.",
    503: "We are very busy right now. Please try again in a minute.",
}
SLUGS = {413: "too-large", 408: "too-slow", 502: "server-error", 503: "busy"}
DEFAULT_WORDS = "Something went wrong. Please go back and try again."


def error_answer(status: int, reason: str, path: bytes = b"/") -> bytes:
    """The whole HTTP answer for a refused request: a page, or JSON under /api/ (the API's
    error contract, {error, message})."""
    from app import SECURITY_HEADERS  # the one list every Flask answer carries too

    words = WORDS.get(status, DEFAULT_WORDS)
    if path.startswith(b"/api/"):
        slug = SLUGS.get(status, "bad-request")
        page = json.dumps({"error": slug, "message": words}).encode()
        kind = "application/json"
    else:
        page = PAGE.format(title=html.escape(f"{status} {reason}"), words=words).encode()
        kind = "text/html; charset=utf-8"
    headers = {
        "Connection": "close",
        "Content-Type": kind,
        "Content-Length": str(len(page)),
        "Cache-Control": "no-store",
        **SECURITY_HEADERS,
    }
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    return (head + "\r\n").encode("latin-1") + page


def _write_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's signature; `mesg` (it quotes the request) is left out."""
    gunicorn.util.write_nonblock(sock, error_answer(status_int, reason))


def install() -> None:
    """Make gunicorn send our answer for the errors it produces below Flask."""
    gunicorn.util.write_error = _write_error
