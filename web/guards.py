"""Guards around every request: the rate limit, a too-big upload, and a deadline on every view.

The first two answer before CSRF or the form parser touch the body, so a refused request
costs almost nothing. The deadline (issue 17) puts every route, not only reading papers,
under the same time limit: a letter PDF from hostile text must not hold a worker for
15 s. Installed by create_app with `install(app)`, after the blueprints.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask.typing import ResponseReturnValue

from explainer.limits import deadline, read_seconds

from .errors import HTTP_ERRORS, error_response
from .ratelimit import FixedWindowLimiter, configured_limit

LIMITER_KEY = "bill_explainer_rate_limiter"
DRAIN_FACTOR = 2
"""A body up to twice MAX_CONTENT_LENGTH is read and thrown away before the 413 goes out."""
_CHUNK = 64 * 1024
REQUEST_TOO_SLOW = (
    "This took too long, so we stopped. Please try again with a shorter text or fewer papers."
)


def _too_many_requests(wait: float) -> ResponseReturnValue:
    """The kind 429, with Retry-After in whole seconds."""
    slug, title, message = HTTP_ERRORS[429]
    return error_response(
        429, slug, message, title, headers={"Retry-After": str(max(1, math.ceil(wait)))}
    )


def _drain_oversized_body() -> None:
    """Read and discard a slightly-too-big upload, so the browser can show our 413.

    Answering before the body is read makes the server close a connection the browser is
    still sending on, and most browsers then show "connection reset" instead of our page.
    A 25 MB scan is the common case; a body far over the limit is not waited for.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if not limit or length is None or length <= limit or length > DRAIN_FACTOR * limit:
        return
    stream = request.environ["wsgi.input"]
    left = length
    while left > 0:
        chunk = stream.read(min(_CHUNK, left))
        if not chunk:
            break
        left -= len(chunk)


def _under_deadline(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view, run under the request time limit (LimitExceeded, a kind 413, past it)."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        with deadline(read_seconds(), REQUEST_TOO_SLOW):
            return view(*args, **kwargs)

    return run


def install(app: Flask) -> None:
    """Put the guards first among the before-request hooks (ahead of CSRF's form parsing),
    and every view registered so far under the request deadline."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = _under_deadline(view)
    limit = configured_limit(app)
    limiter = FixedWindowLimiter(limit) if limit else None
    if limiter:
        app.extensions[LIMITER_KEY] = limiter

    def _guard() -> ResponseReturnValue | None:
        """Refuse past the rate limit; drain a too-big body (werkzeug then answers 413)."""
        if request.method != "POST":
            return None
        if limiter is not None:
            wait = limiter.hit(request.remote_addr or "unknown")
            if wait is not None:
                return _too_many_requests(wait)
        _drain_oversized_body()
        return None

    app.before_request_funcs.setdefault(None, []).insert(0, _guard)
