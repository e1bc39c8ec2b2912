"""Guards around every request: the rate limit, a too-big upload, and a deadline on every view.

The first two answer before CSRF or the form parser touch the body, so a refused request
costs almost nothing. The deadline (issue 17) puts every route, not only reading papers,
under the same time limit: a letter PDF from hostile text must not hold a worker for
15 s. Installed by create_app with `install(app)`, after the blueprints.
"""

from __future__ import annotations

import functools
import math
import resource
import time
import weakref
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request
from flask.typing import ResponseReturnValue

from explainer.limits import deadline, read_seconds

from .cost_limit import SharedBudget
from .errors import HTTP_ERRORS, error_response
from .front import client_address
from .ratelimit import configured_budget

BUDGET_KEY = "bill_explainer_cost_budget"
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
    settings = configured_budget(app)
    # Made here, in the gunicorn master (the app is preloaded): every worker shares it.
    budget = SharedBudget(settings) if settings else None
    if budget:
        app.extensions[BUDGET_KEY] = budget
        weakref.finalize(app, budget.close)  # tests make many apps; a server keeps its one

    def _guard() -> ResponseReturnValue | None:
        """Charge the request to its address, refuse it past the budget (POSTs only: reading
        pages stays free), drain a too-big body (werkzeug then answers 413)."""
        g.cpu_at_start = cpu_seconds()
        if budget is not None:
            posted = request.method == "POST"
            address = client_address(request.headers, request.remote_addr)
            wait = budget.admit(address, request.content_length or 0, counted=posted)
            if wait is not None and posted:
                return _too_many_requests(wait)
        if request.method == "POST":
            _drain_oversized_body()
        return None

    def _charge_cpu(_error: BaseException | None) -> None:
        """After the answer is made: what it cost in CPU, to its address."""
        started = g.pop("cpu_at_start", None)
        if budget is not None and started is not None:
            budget.charge_cpu(
                client_address(request.headers, request.remote_addr), cpu_seconds() - started
            )

    app.before_request_funcs.setdefault(None, []).insert(0, _guard)
    app.teardown_request(_charge_cpu)


def cpu_seconds() -> float:
    """CPU time this worker and the reading children it waited for have used so far."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
