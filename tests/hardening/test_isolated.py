"""Issue 17: heavy reads in a child process with a memory ceiling; the reading process survives.

These fork children that allocate up to the ceiling, so they run one at a time (`serial`).
"""

from __future__ import annotations

import os
import resource
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import explainer.read.upload as upload_module
from explainer.errors import LimitExceeded, UnreadableDocument, UnsupportedDocument
from explainer.limits import WEB, deadline, read_within_limits
from explainer.model import Document
from explainer.read import isolated
from explainer.read.upload import Upload
from tests.pdf_fixtures import statement_pdf

from . import hostile

pytestmark = pytest.mark.serial

MB = 1024 * 1024


@pytest.fixture
def child_peaks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every resident size the worker saw while watching a child."""
    seen: list[int] = []
    measure = isolated.resident_bytes

    def watched(pid: int) -> int:
        size = measure(pid)
        seen.append(size)
        return size

    monkeypatch.setattr(isolated, "resident_bytes", watched)
    yield seen


def _no_children_left() -> bool:
    me = os.getpid()
    children = Path(f"/proc/{me}/task/{me}/children").read_text().split()
    return children == []


def test_an_ordinary_pdf_is_read_in_the_child_like_in_the_worker() -> None:
    data = statement_pdf(repeat=5)
    alone = upload_module.read_upload(Upload(data, "statement.pdf"))
    apart = isolated.read_upload_isolated(Upload(data, "statement.pdf"))
    assert apart == alone and len(apart[0].claims) > 0
    assert _no_children_left()


def test_text_and_835_are_read_in_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for typed text"))
    documents = isolated.read_upload_isolated(Upload(b"CO-45 $1.00\n", "typed:notice"))
    assert documents[0].claims


@pytest.mark.parametrize(
    "build",
    [hostile.padded_flate_bomb_pdf, hostile.indirect_filter_bomb_pdf],
    ids=["padded", "indirect"],
)
def test_a_bomb_the_preflight_misses_stops_at_the_ceiling(
    monkeypatch: pytest.MonkeyPatch, child_peaks: list[int], build: object
) -> None:
    """With the preflight switched off, pdfminer unpacks the 1 GiB stream: the child is
    killed near 768 MB resident and the reading process stays small."""
    monkeypatch.setattr(upload_module, "check_pdf", lambda *_args, **_kwargs: None)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LimitExceeded, match="far more memory"):
        isolated.read_upload_isolated(Upload(build(), "msn.pdf"))  # type: ignore[operator]
    assert isolated.MAX_READ_RESIDENT < max(child_peaks) < isolated.MAX_READ_RESIDENT + 200 * MB
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    assert grown < 100 * MB
    assert _no_children_left()


def _allocate(size: int) -> list[Document]:
    block = bytearray(size)
    for offset in range(0, size, 4096):  # touch every page: resident, not only reserved
        block[offset] = 1
    return []


def test_a_runaway_allocation_past_the_address_space_limit_is_a_413() -> None:
    with pytest.raises(LimitExceeded):
        isolated.run_isolated(lambda *_: _allocate(4096 * MB), Upload(b"%PDF", "x.pdf"), None)


def test_an_abort_is_taken_for_memory_and_a_crash_for_a_damaged_file() -> None:
    with pytest.raises(LimitExceeded):
        isolated.run_isolated(lambda *_: os.abort(), Upload(b"%PDF", "x.pdf"), None)  # type: ignore[arg-type, return-value]

    def crash(*_args: object) -> list[Document]:
        os.kill(os.getpid(), signal.SIGSEGV)
        return []

    with pytest.raises(UnreadableDocument, match="damaged"):
        isolated.run_isolated(crash, Upload(b"%PDF", "x.pdf"), None)


def test_the_childs_own_errors_come_back_as_they_were() -> None:
    def refuse(*_args: object) -> list[Document]:
        raise UnsupportedDocument("Not a bill.", source="x.pdf")

    with pytest.raises(UnsupportedDocument, match="Not a bill.") as caught:
        isolated.run_isolated(refuse, Upload(b"%PDF", "x.pdf"), None)
    assert caught.value.source == "x.pdf"


def test_the_deadline_stops_the_wait_and_the_child() -> None:
    def endless(*_args: object) -> list[Document]:
        while True:
            time.sleep(0.01)

    start = time.monotonic()
    with pytest.raises(LimitExceeded, match="took too long"), deadline(0.5):
        isolated.run_isolated(endless, Upload(b"%PDF", "x.pdf"), None)
    assert time.monotonic() - start < 2
    assert _no_children_left()


def test_the_web_profile_reads_heavy_files_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    read_within_limits([Upload(statement_pdf(repeat=1), "s.pdf")], WEB)
    assert len(forks) == 1


def test_preloading_the_pdf_readers_starts_no_thread() -> None:
    """The master imports them before it forks; a thread there would make forking unsafe."""
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "from explainer.read import isolated\n"
        "isolated.preload()\n"
        "assert 'pdfplumber' in sys.modules and 'pypdfium2' in sys.modules\n"
        "print(len(os.listdir('/proc/self/task')))\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    assert answer.stdout.strip() == b"1"
