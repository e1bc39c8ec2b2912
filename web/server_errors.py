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
}
DEFAULT_WORDS = "Something went wrong. Please go back and try again."


def error_answer(status: int, reason: str) -> bytes:
    """The whole HTTP answer for a request gunicorn refused."""
    from app import SECURITY_HEADERS  # the one list every Flask answer carries too

    page = PAGE.format(
        title=html.escape(f"{status} {reason}"), words=WORDS.get(status, DEFAULT_WORDS)
    ).encode()
    headers = {
        "Connection": "close",
        "Content-Type": "text/html; charset=utf-8",
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
