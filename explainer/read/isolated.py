"""Heavy reads (PDF, photo and scan OCR, XLSX, FHIR JSON) in a child process with a memory ceiling.

The preflight (`read/preflight.py`) refuses the bombs it can see in the bytes, but not every
way a file can make PDFium, OpenCV or onnxruntime take gigabytes: filters named inside a
compressed object stream, an encrypted stream, a codec's own blow-up. An address-space
limit on the worker itself fails (importing those libraries already maps ~600 MB, one OCR
page peaks near 1 GB virtual), and PDFium aborts the whole process when memory runs out.
So (issue 17) the worker forks a child for each heavy read:

- the child reads the upload with `read_upload`, as the worker would, and sends the
  Documents back pickled through a pipe: nothing is written to disk;
- it limits its own address space (RLIMIT_AS) to what it had at the fork plus
  `MAX_READ_GROWTH`, so a runaway allocation fails at once in the child;
- the worker watches the child's resident memory while it waits and kills it past
  `MAX_READ_RESIDENT`, the ceiling we state: no read ever holds more than that resident;
- a child that runs out of memory or is killed for it ends as LimitExceeded (413), one
  that crashes otherwise as UnreadableDocument (422); the worker lives on either way;
- the worker's deadline (`explainer/limits.py`) still applies: its alarm interrupts the
  wait, and the child is killed on the way out.

A fork, not a fresh interpreter: the child shares the worker's imported code copy-on-write
and starts in a millisecond. That is safe because a sync worker has one thread, and the
libraries that start thread pools (onnxruntime, OpenCV) only ever run in the children.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import resource
import select
import signal
from collections.abc import Callable
from typing import Any

from ..errors import ExplainerError, LimitExceeded, UnreadableDocument, UnsupportedDocument
from ..model import Document, Format
from .sniff import sniff_format
from .upload import Upload, read_upload

MEGABYTE = 1024 * 1024
MAX_READ_RESIDENT = 768 * MEGABYTE
"""Resident memory of one reading child (shared pages included): one OCR page peaks near
480 MB, a 48-page PDF near 200 MB."""
MAX_READ_GROWTH = 2048 * MEGABYTE
"""Address space the child may add to what it inherited (arenas and thread stacks are
reserved far beyond what they touch)."""
HEAVY_FORMATS = frozenset({Format.PDF, Format.IMAGE, Format.XLSX, Format.FHIR})
"""Formats whose readers can take hundreds of MB: an 18 MB Bundle of six million empty
entries is ~500 MB of Python objects once parsed."""

_POLL_SECONDS = 0.02
_PAGE = os.sysconf("SC_PAGE_SIZE")
_ERRORS: dict[str, type[ExplainerError]] = {
    error.__name__: error
    for error in (ExplainerError, LimitExceeded, UnreadableDocument, UnsupportedDocument)
}
# The worker's own signal handlers (gunicorn's) must not run in the child.
_RESET_SIGNALS = (
    signal.SIGTERM,
    signal.SIGINT,
    signal.SIGQUIT,
    signal.SIGHUP,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGWINCH,
    signal.SIGCHLD,
    signal.SIGALRM,
)

TOO_MUCH_MEMORY = (
    "“{name}” needs far more memory to read than any billing paper, so we stopped. Please "
    "print it to a new PDF (for example with “Print to PDF”) or take a new photo, and upload "
    "that copy, or type the lines of your paper instead."
)
CRASHED = (
    "We could not read “{name}”: the file seems to be damaged. Please save or scan it again, "
    "or type the lines of your paper instead."
)

Reader = Callable[[Upload, "int | None"], list[Document]]


def preload() -> None:
    """Import the PDF readers now (the gunicorn master does, before it forks), so that each
    reading child starts with them instead of importing them again (~0.5 s a read).

    Only pure-Python and thread-free libraries: numpy (OpenBLAS), OpenCV and onnxruntime
    start threads when imported, and forking a process with threads is not safe.
    """
    from ..extract import pdf  # noqa: F401  (pdfplumber, pdfminer, pypdfium2)


def read_upload_isolated(upload: Upload, max_bytes: int | None = None) -> list[Document]:
    """`read_upload`, in a child process with a memory ceiling for the heavy formats."""
    if sniff_format(upload.data) not in HEAVY_FORMATS:
        return read_upload(upload, max_bytes)
    return run_isolated(_read, upload, max_bytes)


def _read(upload: Upload, max_bytes: int | None) -> list[Document]:
    return read_upload(upload, max_bytes)


def run_isolated(read: Reader, upload: Upload, max_bytes: int | None) -> list[Document]:
    """Run `read(upload, max_bytes)` in a forked child; its Documents or its error back."""
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its outcome is what the tests check
        os.close(receive)
        _child(read, upload, max_bytes, send)
    os.close(send)
    killed_for_memory = False
    payload = bytearray()
    try:
        while True:
            ready, _, _ = select.select([receive], [], [], _POLL_SECONDS)
            if ready:
                chunk = os.read(receive, 1 << 20)
                if not chunk:
                    break
                payload += chunk
            elif resident_bytes(pid) > MAX_READ_RESIDENT:
                os.kill(pid, signal.SIGKILL)
                killed_for_memory = True
                break
    finally:
        os.close(receive)
        _end(pid)  # also when the deadline's alarm interrupted the wait
        status = _reap(pid)
    return _outcome(bytes(payload), status, killed_for_memory, upload.name)


def _child(read: Reader, upload: Upload, max_bytes: int | None, send: int) -> None:
    """In the child: limit memory, read, send the outcome, and leave without cleanup."""
    try:
        for number in _RESET_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        faulthandler.disable()  # a crash is reported by its exit status, not a dump in the logs
        _limit_address_space()
        try:
            outcome: tuple[Any, ...] = ("documents", read(upload, max_bytes))
        except ExplainerError as error:
            outcome = ("error", type(error).__name__, error.message, error.source)
        except MemoryError:
            outcome = ("memory",)
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(payload)
        while view:
            view = view[os.write(send, view) :]
    except BaseException:  # noqa: BLE001 - whatever happened, the worker hears "crashed"
        os._exit(3)
    os._exit(0)


def _limit_address_space() -> None:
    """RLIMIT_AS: what the child has now, plus MAX_READ_GROWTH."""
    with open("/proc/self/statm", "rb") as statm:
        size = int(statm.read().split()[0]) * _PAGE
    limit = size + MAX_READ_GROWTH
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def resident_bytes(pid: int) -> int:
    """A process's resident memory now (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _end(pid: int) -> None:
    """Make sure the child is gone (it may still run if the wait was interrupted)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> int:
    """The child's wait status; its CPU time now counts as this process's children's."""
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:  # pragma: no cover - PEP 475 retries; kept for clarity
            continue


def _outcome(payload: bytes, status: int, killed_for_memory: bool, name: str) -> list[Document]:
    """The child's Documents, or the error it ended with, raised here."""
    if payload and not killed_for_memory:
        outcome = pickle.loads(payload)
        if outcome[0] == "documents":
            documents: list[Document] = outcome[1]
            return documents
        if outcome[0] == "error":
            _kind, error_name, message, source = outcome
            raise _ERRORS.get(error_name, ExplainerError)(message, source=source)
        raise LimitExceeded(TOO_MUCH_MEMORY.format(name=name), source=name)
    aborted = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT
    if killed_for_memory or aborted:
        # PDFium and onnxruntime abort() when an allocation fails under RLIMIT_AS.
        raise LimitExceeded(TOO_MUCH_MEMORY.format(name=name), source=name)
    raise UnreadableDocument(CRASHED.format(name=name), source=name)
