"""A per-address limit on POST requests (papers to read, letters to make): 429 past it.

`web/guards.py` installs it ahead of every other before-request hook.

A fixed window of one minute, kept in this process's memory. No library: Flask-Limiter
would bring three more packages for the same in-memory fixed window, and its shared
storages (Redis, memcached) need a server we do not run. Consequences, said plainly:

- with several gunicorn workers each worker counts on its own, so one address may get up
  to `workers ×` the limit per minute before every worker refuses it;
- the address is `request.remote_addr`: behind a reverse proxy every visitor shares the
  proxy's address, so wrap the app in werkzeug's ProxyFix there (or raise the limit);
- the table forgets everything each minute and never holds more than 100,000 addresses,
  so a flood of addresses cannot grow it without bound.

The limit comes from the app's config `RATE_LIMIT_PER_MINUTE`, else the environment's
`BILL_EXPLAINER_RATE_LIMIT`, else 30; 0 turns it off (the load benchmark does).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from flask import Flask

DEFAULT_PER_MINUTE = 30
ENV_NAME = "BILL_EXPLAINER_RATE_LIMIT"
CONFIG_KEY = "RATE_LIMIT_PER_MINUTE"
MAX_ADDRESSES = 100_000


class FixedWindowLimiter:
    """Counts requests per key in fixed windows; thread-safe (gthread workers share it)."""

    def __init__(
        self,
        limit: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_ADDRESSES,
    ) -> None:
        """`limit` requests per `window_seconds` per key."""
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._window_index = -1
        self._counts: dict[str, int] = {}

    def hit(self, key: str) -> float | None:
        """Count one request: None if allowed, else the seconds until the window ends."""
        now = self.clock()
        index = int(now // self.window)
        with self._lock:
            if index != self._window_index:
                self._window_index = index
                self._counts = {}
            count = self._counts.get(key, 0) + 1
            if count > self.limit:
                return (index + 1) * self.window - now
            if key in self._counts or len(self._counts) < self.max_keys:
                self._counts[key] = count
            return None


def configured_limit(app: Flask) -> int:
    """Requests per minute per address from config or environment; 0 means no limit."""
    value = app.config.get(CONFIG_KEY)
    if value is None:
        value = os.environ.get(ENV_NAME, "") or DEFAULT_PER_MINUTE
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return DEFAULT_PER_MINUTE
