"""How much one address may ask of us per minute: the settings of the shared cost budget.

`web/cost_limit.py` keeps the counts, shared by all workers; `web/guards.py` charges every
request to its address and answers 429 past the budget. Settings, from the app's config,
else the environment, else the default; 0 turns a measure off, and a request limit of 0
turns the whole budget off (the load benchmark and most tests do):

| config key              | environment                   | default | per minute         |
|-------------------------|-------------------------------|---------|--------------------|
| RATE_LIMIT_PER_MINUTE   | BILL_EXPLAINER_RATE_LIMIT     | 30      | POST requests      |
| BYTES_BUDGET_MB         | BILL_EXPLAINER_BYTES_BUDGET   | 100     | MB sent to us      |
| CPU_BUDGET_SECONDS      | BILL_EXPLAINER_CPU_BUDGET     | 30      | CPU seconds spent  |

The address is `request.remote_addr`: behind a reverse proxy every visitor shares the
proxy's address, so wrap the app in werkzeug's ProxyFix there (or raise the budget).
"""

from __future__ import annotations

import os

from flask import Flask

from .cost_limit import Budget

DEFAULT_PER_MINUTE = 30
DEFAULT_BYTES_MB = 100
DEFAULT_CPU_SECONDS = 30.0
ENV_NAME = "BILL_EXPLAINER_RATE_LIMIT"
CONFIG_KEY = "RATE_LIMIT_PER_MINUTE"
MB = 1024 * 1024


def _setting(app: Flask, key: str, env: str, default: float) -> float:
    """A non-negative number from config, else environment, else the default."""
    value = app.config.get(key)
    if value is None:
        value = os.environ.get(env, "") or default
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return default


def configured_limit(app: Flask) -> int:
    """Requests per minute per address from config or environment; 0 means no limit."""
    return int(_setting(app, CONFIG_KEY, ENV_NAME, DEFAULT_PER_MINUTE))


def configured_budget(app: Flask) -> Budget | None:
    """The per-address budget, or None when the request limit is 0 (no budget at all)."""
    requests = configured_limit(app)
    if not requests:
        return None
    megabytes = _setting(app, "BYTES_BUDGET_MB", "BILL_EXPLAINER_BYTES_BUDGET", DEFAULT_BYTES_MB)
    cpu = _setting(app, "CPU_BUDGET_SECONDS", "BILL_EXPLAINER_CPU_BUDGET", DEFAULT_CPU_SECONDS)
    return Budget(requests=requests, bytes=int(megabytes * MB), cpu_seconds=cpu)
