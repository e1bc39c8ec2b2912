"""How much one request may ask of the engine: a time limit on reading, and claim/line caps.

The papers come from strangers, so every read is bounded (issue 9, hardening):

- **time**: `deadline(seconds)` runs a block under a time limit. In the main thread of a
  Unix process (a gunicorn *sync* worker, the CLI) an interval timer (`signal.setitimer`,
  SIGALRM) interrupts pure-Python work (pdfminer, the typed and 835 readers) wherever it
  is, so runaway parsing really stops and the worker lives on. Elsewhere (a thread of a
  threaded server) signals cannot be used; the block then only stops where it calls
  `check_deadline()` (between papers). C code (PDFium, zlib, a regex) is never
  interrupted mid-call: the byte-level checks in `read/preflight.py` keep those calls short.
- **size of the answer**: `check_counts` refuses more claims or service lines than a page
  can show, so explaining, checking and rendering stay bounded too.

Two profiles (issue 14): `WEB` for strangers' uploads (all of the above, and the 20 MB upload
cap of read/upload.py), and `LOCAL` for the user's own files on the command line: no claim,
line or time cap, so a billing service's 50,000-claim remittance (about 60 MB) is explained
in one go (bench/bench_x12big.py: 52 MB, 421 MB peak). Its only bound is memory: a file whose
reading would take more than half of the machine's memory is refused with plain words
instead of being left to run out of it.

Every refusal is a `LimitExceeded` with plain words; the web layer answers it with a 413.

    ExplainerError
    └── LimitExceeded   ← raised here
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from types import FrameType

from .errors import LimitExceeded
from .model import Document
from .read.isolated import read_upload_isolated
from .read.upload import MAX_UPLOAD_BYTES, Upload, read_upload

READ_SECONDS = 30.0
"""Reading every paper of one request: a 48-page MSN PDF takes 2 s and OCR about 1.5 s a
photo, so ten scanned pages fit; gunicorn's worker timeout (60 s) stays the last resort."""

READ_SECONDS_ENV = "BILL_EXPLAINER_READ_SECONDS"
MAX_CLAIMS = 10_000
MAX_LINES = 50_000
"""The web's caps (issue 14: a front desk's weekly remittance runs to 10,000 claims). Measured
through the app with the 835 workspace: 10,000 claims of 3 lines (4.4 MB) upload to the
workspace's first page in 2.0 s, first page 54 KB, 170 MB resident."""

MEMORY_PER_FILE_BYTE = 10
"""Peak memory over file size when an 835 is explained, with room: bench/bench_x12big.py
measured 421 MB for a 52.4 MB file of 50,000 claims (101 MB for 10.5 MB), mostly Documents."""

LOCAL_MAX_BYTES_UNKNOWN = 256 * 1024 * 1024
"""The CLI's file size cap where the machine's memory cannot be asked (not Linux/macOS)."""


def local_max_bytes() -> int:
    """The CLI's file size cap: what half of this machine's memory can read, at least 20 MB."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return LOCAL_MAX_BYTES_UNKNOWN
    if memory <= 0:
        return LOCAL_MAX_BYTES_UNKNOWN
    return max(MAX_UPLOAD_BYTES, memory // 2 // MEMORY_PER_FILE_BYTE)


@dataclass(frozen=True, slots=True)
class Limits:
    """One profile of limits; None means no cap. `timed` runs the read under read_seconds()."""

    upload_bytes: int | None
    claims: int | None
    lines: int | None
    timed: bool
    isolated: bool = False
    """Heavy reads (PDF, photos, XLSX) in a child process with a memory ceiling
    (read/isolated.py), so that a file the preflight misses cannot take the server down."""


WEB = Limits(
    upload_bytes=MAX_UPLOAD_BYTES, claims=MAX_CLAIMS, lines=MAX_LINES, timed=True, isolated=True
)
"""Uploads from strangers (the web app and its API): every cap."""

LOCAL = Limits(upload_bytes=local_max_bytes(), claims=None, lines=None, timed=False)
"""The user's own files, read by the command line on their own machine: no claim cap."""

TOO_SLOW = (
    "Reading your papers took too long, so we stopped. This can happen with a very long or "
    "damaged file. Please upload only the pages with your claims or bill lines, or type them."
)

# After the first alarm, ring again this often until the block ends: code that swallows the
# first interruption (a bare `except:` in a library) is interrupted again.
_REPEAT_SECONDS = 0.25

_ENDS_AT: ContextVar[float | None] = ContextVar("bill_explainer_deadline", default=None)


class _Expired(BaseException):
    """Raised by the alarm; a BaseException so a library's `except Exception` cannot eat it.

    It never leaves `deadline()`: it is turned into LimitExceeded there.
    """


def read_seconds() -> float:
    """The time limit for reading one request's papers (BILL_EXPLAINER_READ_SECONDS, or 30)."""
    value = os.environ.get(READ_SECONDS_ENV, "")
    try:
        seconds = float(value)
    except ValueError:
        return READ_SECONDS
    return seconds if seconds > 0 else READ_SECONDS


def _alarm_usable() -> bool:
    """Signals can only be handled in the main thread, and SIGALRM exists only on Unix."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


# Code that must never stop half-way: PDFium's Python wrappers (a close cut short leaks the
# C object), the import system, locks and logging, finalizers. If the alarm rings inside
# them it is ignored; it rings again `_REPEAT_SECONDS` later, when they are done.
_FRAGILE = ("pypdfium2", "importlib", "threading", "logging", "weakref", "contextlib")
_FRAGILE_DEPTH = 12


def _in_fragile_code(frame: FrameType | None) -> bool:
    """Is any of the innermost frames running code from a module in _FRAGILE?"""
    depth = 0
    while frame is not None and depth < _FRAGILE_DEPTH:
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith(_FRAGILE):
            return True
        frame = frame.f_back
        depth += 1
    return False


def _on_alarm(_signum: int, frame: FrameType | None) -> None:
    """SIGALRM handler: interrupt the Python code running, unless it must not be cut short."""
    if _in_fragile_code(frame):
        return
    raise _Expired


def _disarm(previous: object) -> None:
    """Stop the timer and put the old handler back, even if the alarm rings meanwhile."""
    while True:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            break
        except _Expired:  # rang between the block's end and this line: ignore it
            continue
    # None means the old handler was not set from Python: the default is the closest match.
    signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)  # type: ignore[arg-type]


@contextmanager
def deadline(seconds: float, message: str = TOO_SLOW) -> Iterator[None]:
    """Run the block under a time limit; LimitExceeded(message) when it runs over.

    Nested deadlines keep the earlier end; only the outermost one sets the timer. When the
    time runs out inside a nested block, that block's message is the one given (the web
    app runs each request under a deadline, and reading the papers under its own).
    """
    now = time.monotonic()
    outer = _ENDS_AT.get()
    ends_at = now + seconds if outer is None else min(outer, now + seconds)
    token = _ENDS_AT.set(ends_at)
    armed = outer is None and _alarm_usable()
    previous: object = None
    try:
        try:
            if armed:
                previous = signal.signal(signal.SIGALRM, _on_alarm)
                signal.setitimer(signal.ITIMER_REAL, max(ends_at - now, 0.001), _REPEAT_SECONDS)
            yield
        finally:
            if armed:
                _disarm(previous)
    except _Expired:
        if outer is not None and time.monotonic() < ends_at:
            raise  # the outer deadline() ran out first: it says why, in its words
        # The time ran out inside this block: its own words say what took too long.
        raise LimitExceeded(message) from None
    finally:
        _ENDS_AT.reset(token)


def check_deadline(message: str = TOO_SLOW) -> None:
    """LimitExceeded if the current deadline has passed (for code that may run without alarms)."""
    ends_at = _ENDS_AT.get()
    if ends_at is not None and time.monotonic() > ends_at:
        raise LimitExceeded(message)


def check_counts(documents: Sequence[Document], limits: Limits = WEB) -> None:
    """Refuse more claims or service lines than one answer can explain and show."""
    claims = sum(len(document.claims) for document in documents)
    max_claims = limits.claims
    if max_claims is not None and claims > max_claims:
        raise LimitExceeded(
            f"Your papers hold {claims:,} claims. We explain up to {max_claims:,} claims at a "
            "time: please send fewer papers, or export one payment at a time from your billing "
            "software."
        )
    lines = sum(len(claim.lines) for document in documents for claim in document.claims)
    max_lines = limits.lines
    if max_lines is not None and lines > max_lines:
        raise LimitExceeded(
            f"Your papers hold {lines:,} service lines. We explain up to {max_lines:,} lines at "
            "a time: please send fewer papers at once."
        )


def read_within_limits(uploads: Sequence[Upload], limits: Limits = WEB) -> list[Document]:
    """Read every upload under the profile's limits (time, size), then check the counts."""
    documents: list[Document] = []
    with deadline(read_seconds()) if limits.timed else nullcontext():
        for upload in uploads:
            check_deadline()
            read = read_upload_isolated if limits.isolated else read_upload
            documents.extend(read(upload, limits.upload_bytes))
    check_counts(documents, limits)
    return documents
