"""gunicorn hooks: a 429 does not count toward a worker's `max_requests` recycling.

gunicorn counts every answer toward `max_requests` and restarts a worker that reaches it.
Under a flood of refused requests that restarted each worker about every second (issue 17):
the restarts cost CPU, and the per-worker counts were lost with them. A 429 costs almost
nothing and leaves nothing behind in memory, so it is taken back off the count.

gunicorn's sync worker adds the request to `nr` and, if that reaches `max_requests`, sets
`alive = False` before the app runs; `post_request` then sees the answer's status. The
worker is kept alive only when this request's count alone stopped it (`alive` was still
True in `pre_request`, so no signal asked it to stop before).
"""

from __future__ import annotations

from typing import Any

TOO_MANY_REQUESTS = 429


def pre_request(worker: Any, _request: Any) -> None:
    """Remember whether the worker was to live on before this request was counted."""
    worker.bill_explainer_alive_before = worker.alive


def post_request(worker: Any, _request: Any, _environ: Any, response: Any) -> None:
    """Take a 429 back off the count (and undo the restart it alone caused)."""
    if getattr(response, "status_code", None) != TOO_MANY_REQUESTS:
        return
    stopped_by_count = worker.nr >= worker.max_requests
    worker.nr -= 1
    if stopped_by_count and getattr(worker, "bill_explainer_alive_before", False):
        worker.alive = True
