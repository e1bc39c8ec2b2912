"""gunicorn settings for `bill-explainer serve` (web/serving.py loads them from the package).

Also usable with gunicorn's own command: `gunicorn -c python:web.gunicorn_conf 'app:create_app()'`.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

from explainer.read import isolated
from web import recycling, server_errors

# 2 × cores + 1 is gunicorn's rule of thumb; capped at 4 because this machine shares 2 cores
# and each worker holds whole uploads (up to 20 MB) in memory.
workers = min(2 * multiprocessing.cpu_count() + 1, 4)
worker_class = "sync"

# Load the app (and the content library) once in the master before forking: a broken content/
# stops start-up at once, and every worker shares one per-process SECRET_KEY, so a form's CSRF
# token made by one worker is accepted by another.
preload_app = True

# OCR of a phone photo can take a while, but never a minute.
timeout = 60
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so no memory a big upload used lingers; jitter avoids all
# workers restarting at once. 429s do not count (web/recycling.py): a flood of refused
# requests would otherwise restart every worker about once a second.
max_requests = 1000
max_requests_jitter = 100
pre_request = recycling.pre_request
post_request = recycling.post_request

# Uploads stay in memory (app.InMemoryRequest); the heartbeat files go to RAM too.
worker_tmp_dir = "/dev/shm"

# Access log to stdout without query strings, referrers or user agents: %(U)s is the path
# only. Request bodies (the papers) are never logged. Error log to stderr.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"
capture_output = False

# Refuse absurd request lines and header sets before Flask sees them, with our headers.
limit_request_line = 8190
limit_request_fields = 100

# No control socket: we never use it, and two servers on one machine would fight over its path.
control_socket_disable = True


def on_starting(_server: Any) -> None:
    """In the master, before the workers fork: gunicorn's own errors carry our headers, and
    the PDF readers are imported once for every worker's reading children."""
    server_errors.install()
    isolated.preload()
