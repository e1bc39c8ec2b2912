"""Hostile benchmark (issue 17): the attack table, re-measured against the real server.

Figures, not assertions (the tests in tests/hardening assert the outcomes). Started here on
free loopback ports with the packaged settings (`python -P -m web.serving`, 2 workers):

  1. hostile files: for each, the status, seconds, and the workers' peak resident memory
     (VmHWM); and, in this process with the preflight switched off, how far the reading
     child gets before its ceiling stops it;
  2. 10 slow clients (a byte a second, in headers or body) plus normal traffic, with the
     front and without it (`--no-front`, what gunicorn alone did): normal p50/p99;
  3. a flood from one address (8 connections, BENCH_FLOOD_SECONDS, default 20) against the
     default budget: how much got through, and another address's p50/p99 meanwhile
     (it connects from 127.0.0.2);
  4. four 19 MB typed uploads at once, and a GET / meanwhile;
  5. the letter PDF of "a" + 19,999 zero-width joiners: CPU seconds with and without the
     collapse (in this process).

`python bench/run.py hostile` runs it alone.
"""

from __future__ import annotations

import http.client
import io
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.datastructures import FileStorage, MultiDict  # noqa: E402
from werkzeug.test import encode_multipart  # noqa: E402

from tests.hardening import hostile  # noqa: E402
from tests.hardening.conftest import free_port  # noqa: E402
from tests.web.conftest import STORY_NOTICE  # noqa: E402

MB = 1024 * 1024
FLOOD_SECONDS = float(os.environ.get("BENCH_FLOOD_SECONDS", "20"))
SLOW_SECONDS = 20.0


class Served:
    """`python -P -m web.serving` on a free port, stopped by stop()."""

    def __init__(self, *, front: bool, env: dict[str, str]) -> None:
        self.port = free_port()
        command = [sys.executable, "-P", "-m", "web.serving", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "2"] + ([] if front else ["--no-front"])
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        ends = time.monotonic() + 60
        while time.monotonic() < ends:
            try:
                with urllib.request.urlopen(self.url("/about-privacy"), timeout=2):
                    time.sleep(1)  # let the rest of the workers come up
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the server did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self) -> list[int]:
        """The master's children that are gunicorn workers (not the front or the vault)."""
        pids = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            for pid in children.read_text().split():
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"web.front" not in cmdline and b"workspace_vault" not in cmdline:
                    pids.append(int(pid))
        return pids

    def peak_mb(self) -> int:
        """The highest VmHWM among the workers, in MB."""
        peaks = [0]
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) // 1024)
        return max(peaks)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def post(
    served: Served,
    path: str,
    fields: list[tuple[str, object]],
    source: str = "127.0.0.1",
    timeout: float = 120,
) -> tuple[int, float]:
    """POST multipart: (status, seconds); status 0 if the connection failed."""
    boundary, body = encode_multipart(MultiDict(fields))
    start = time.monotonic()
    connection = http.client.HTTPConnection(
        "127.0.0.1", served.port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        answer = connection.getresponse()
        answer.read()
        status = answer.status
    except OSError:
        return 0, float("inf")
    finally:
        connection.close()
    return status, time.monotonic() - start


def get(served: Served, path: str, timeout: float = 120) -> float:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(served.url(path), timeout=timeout) as answer:
            answer.read()
    except OSError:
        return float("inf")
    return time.monotonic() - start


def percentiles(seconds: list[float]) -> str:
    """p50, p99 and max; requests that failed or timed out count as infinitely slow."""
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    failed = sum(1 for value in ordered if value == float("inf"))

    def ms(value: float) -> str:
        return "failed/timed out" if value == float("inf") else f"{value * 1000:.0f} ms"

    return (
        f"p50 {ms(statistics.median(ordered))}, p99 {ms(p99)}, max {ms(ordered[-1])} "
        f"({len(ordered)} requests, {failed} failed)"
    )


def file_field(data: bytes, name: str) -> list[tuple[str, object]]:
    return [("notice", FileStorage(io.BytesIO(data), name))]


# ---------------------------------------------------------------------------- 1. files

HOSTILE: dict[str, Callable[[], bytes]] = {
    "PDF, 1 GiB Flate bomb, dictionary padded past 8 KB": hostile.padded_flate_bomb_pdf,
    "PDF, two such streams": lambda: hostile.padded_flate_bomb_pdf(streams=2),
    "PDF, 1 GiB bomb behind /Filter 6 0 R": hostile.indirect_filter_bomb_pdf,
    "PDF, 1 GiB bomb with no /Filter at all": hostile.lying_filter_bomb_pdf,
    "PDF, ten 30 MB streams": hostile.many_streams_bomb_pdf,
    "PDF, Flate inside Flate": hostile.double_flate_pdf,
    "PNG, 30000 x 30000 header": hostile.bomb_png,
}


def hostile_files() -> None:
    served = Served(front=True, env={"BILL_EXPLAINER_RATE_LIMIT": "0"})
    try:
        print("  file                                              status  seconds  worker peak")
        for label, build in HOSTILE.items():
            status, seconds = post(served, "/api/v1/explain", file_field(build(), "x.pdf"))
            print(f"  {label:<50} {status:>4}  {seconds:7.2f}  {served.peak_mb():6d} MB")
        status, _ = post(served, "/api/v1/explain", [("notice_text", STORY_NOTICE)])
        print(f"  a normal request right after: {status}")
    finally:
        served.stop()
    child_ceiling()


def child_ceiling() -> None:
    """The preflight switched off in this process: the reading child meets its ceiling."""
    import explainer.read.upload as upload_module
    from explainer.read import isolated
    from explainer.read.upload import Upload

    real_check, real_measure = upload_module.check_pdf, isolated.resident_bytes
    peak = [0]

    def measure(pid: int) -> int:
        size = real_measure(pid)
        peak[0] = max(peak[0], size)
        return size

    upload_module.check_pdf = lambda *_args, **_kwargs: None  # type: ignore[assignment]
    isolated.resident_bytes = measure
    try:
        for label, build in list(HOSTILE.items())[:3]:
            peak[0] = 0
            start = time.monotonic()
            try:
                isolated.read_upload_isolated(Upload(build(), "x.pdf"))
                outcome = "read"
            except Exception as error:  # noqa: BLE001 - the outcome is what we print
                outcome = type(error).__name__
            seconds = time.monotonic() - start
            print(
                f"  preflight off: {label:<44} {outcome} after {seconds:.2f} s, "
                f"child peak {peak[0] // MB} MB (ceiling {isolated.MAX_READ_RESIDENT // MB} MB)"
            )
    finally:
        upload_module.check_pdf, isolated.resident_bytes = real_check, real_measure


# ---------------------------------------------------------------------------- 2. slow clients


def trickle(port: int, stop: threading.Event, in_body: bool) -> None:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            if in_body:
                sock.sendall(
                    b"POST /api/v1/explain HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n"
                    b"Content-Type: multipart/form-data; boundary=x\r\n\r\n"
                )
            else:
                sock.sendall(b"GET / HTTP/1.1\r\n")
            while not stop.wait(1.0):
                sock.sendall(b"x" if in_body else b"X-Slow: 1\r\n")
    except OSError:
        return


def slow_clients() -> None:
    """Normal requests for SLOW_SECONDS while 10 slow clients trickle; 30 s counts as failed."""
    for front in (False, True):
        served = Served(front=front, env={"BILL_EXPLAINER_RATE_LIMIT": "0"})
        stop = threading.Event()
        slow = [
            threading.Thread(target=trickle, args=(served.port, stop, n % 2 == 0))
            for n in range(10)
        ]
        waits: list[float] = []

        def normal(ends: float, served: Served = served, waits: list[float] = waits) -> None:
            while time.monotonic() < ends:
                waits.append(get(served, "/about-privacy", timeout=30))
                waits.append(
                    post(served, "/api/v1/explain", [("notice_text", STORY_NOTICE)], timeout=30)[1]
                )

        try:
            for thread in slow:
                thread.start()
            time.sleep(1)
            ends = time.monotonic() + SLOW_SECONDS
            clients = [threading.Thread(target=normal, args=(ends,)) for _ in range(2)]
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join()
            name = "with the front   " if front else "gunicorn alone   "
            print(f"  10 slow clients, {name} normal requests: {percentiles(waits)}", flush=True)
        finally:
            stop.set()
            for thread in slow:
                thread.join()
            served.stop()


# ---------------------------------------------------------------------------- 3. flood


def flood() -> None:
    served = Served(front=True, env={})  # the default budget: 30 POSTs, 100 MB, 30 CPU s
    try:
        statuses: list[int] = []
        windows: set[int] = set()
        others: list[float] = []
        ends = time.monotonic() + FLOOD_SECONDS

        def attacker() -> None:
            while time.monotonic() < ends:
                status = post(served, "/api/v1/explain", [("notice_text", STORY_NOTICE)])[0]
                statuses.append(status)
                if status == 200:
                    windows.add(int(time.monotonic() // 60))  # the budget's fixed windows

        threads = [threading.Thread(target=attacker) for _ in range(8)]
        workers_before = served.workers()
        for thread in threads:
            thread.start()
        while time.monotonic() < ends:
            status, seconds = post(
                served, "/api/v1/explain", [("notice_text", STORY_NOTICE)], source="127.0.0.2"
            )
            others.append(seconds)
            time.sleep(1.5)  # a person, well inside the budget
        for thread in threads:
            thread.join()
        print(
            f"  flood of {len(statuses)} POSTs in {FLOOD_SECONDS:.0f} s from one address: "
            f"{statuses.count(200)} answered in {len(windows)} budget window(s) of one minute "
            f"(30 each), {statuses.count(429)} got 429, "
            f"other: {len(statuses) - statuses.count(200) - statuses.count(429)}"
        )
        print(f"  another address meanwhile ({len(others)} requests): {percentiles(others)}")
        same = sorted(served.workers()) == sorted(workers_before)
        print(f"  workers restarted during the flood: {'none' if same else 'yes'}")
    finally:
        served.stop()


# ---------------------------------------------------------------------------- 4. big typed


def big_uploads() -> None:
    served = Served(front=True, env={"BILL_EXPLAINER_RATE_LIMIT": "0"})
    try:
        text = ("03/04/2025 99214 billed $150 paid $78.40 you may owe $20\n" * 340_000)[: 19 * MB]
        results: list[tuple[int, float]] = []

        def upload() -> None:
            results.append(post(served, "/api/v1/explain", file_field(text.encode(), "big.txt")))

        threads = [threading.Thread(target=upload) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        page = get(served, "/")
        for thread in threads:
            thread.join()
        answers = ", ".join(f"{status} in {seconds:.1f} s" for status, seconds in results)
        print(f"  4 x 19 MB typed at once: {answers}; GET / meanwhile {page:.2f} s")
    finally:
        served.stop()


# ---------------------------------------------------------------------------- 5. letter


def letter() -> None:
    from fpdf import FPDF

    from explainer.present.letter_pdf import text_pdf

    text = "a" + "\u200d" * 19_999
    start = time.process_time()
    text_pdf("Letter", text)
    after = time.process_time() - start
    pdf = FPDF(format="Letter", unit="mm")
    pdf.add_font("DejaVu", "", str(ROOT / "explainer" / "fonts" / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", "", 12)
    pdf.add_page()
    start = time.process_time()
    pdf.multi_cell(0, 6, text)
    before = time.process_time() - start
    print(f"  letter PDF of 'a' + 19,999 ZWJ: {after:.2f} s CPU (uncollapsed: {before:.1f} s)")


def main() -> int:
    for title, run in (
        ("hostile files", hostile_files),
        ("slow clients", slow_clients),
        ("flood from one address", flood),
        ("four 19 MB uploads", big_uploads),
        ("letter layout", letter),
    ):
        print(f"-- {title}", flush=True)
        run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
