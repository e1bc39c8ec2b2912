"""Load benchmark: the real server (gunicorn, the project's config) under many clients at once.

Three runs of 20 s each (BENCH_LOAD_SECONDS to change), loopback only, against a gunicorn
started here on a free port and stopped at the end:

  (a) baseline   GET /static/style.css
  (b) typed      POST /api/v1/explain with the CO 253 story typed in
  (c) pdf        POST /api/v1/explain with a 2-page statement PDF (multipart)

For each: requests/s, p50 and p99 latency, errors (non-2xx answers and socket errors), and
at the end every worker's peak memory (VmHWM in /proc). Targets: no errors at all, and p99
under 500 ms for typed text. The load comes from `wrk` (Debian package, `make
system-deps`), driven by Lua scripts written to a temporary folder; without wrk a small
threaded Python client does the same, more slowly. The rate limit is off for the run
(BILL_EXPLAINER_RATE_LIMIT=0): every request comes from 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pdf_fixtures  # noqa: E402
from tests.web.conftest import STORY_BILL, STORY_NOTICE  # noqa: E402

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
CONNECTIONS = 16
WRK_THREADS = 2
P99_TARGET_MS = 500.0
BOUNDARY = "bench-load-boundary-7f3a"

# wrk calls done() once at the end: print what we need as one JSON line.
LUA_DONE = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, '
    .. '"status_errors": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


# NamedTuples, not dataclasses: bench/run.py loads this file without registering it in
# sys.modules, which dataclasses need to resolve postponed annotations.
class Scenario(NamedTuple):
    """One run: a name, the request, and what wrk must send."""

    name: str
    method: str
    path: str
    body: bytes = b""
    content_type: str = ""


class Result(NamedTuple):
    """What one run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    status_errors: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


def scenarios() -> list[Scenario]:
    """The baseline, typed text, and a 2-page PDF upload."""
    typed = urllib.parse.urlencode({"notice_text": STORY_NOTICE, "bill_text": STORY_BILL}).encode()
    pdf = pdf_fixtures.statement_pdf(repeat=10, layout="itemized")
    multipart = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="bill"; filename="bill.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return [
        Scenario("baseline GET /static/style.css", "GET", "/static/style.css"),
        Scenario(
            "typed POST /api/v1/explain", "POST", "/api/v1/explain", typed,
            "application/x-www-form-urlencoded",
        ),
        Scenario(
            "pdf (2 pages) POST /api/v1/explain", "POST", "/api/v1/explain", multipart,
            f"multipart/form-data; boundary={BOUNDARY}",
        ),
    ]  # fmt: skip


def lua_string(data: bytes) -> str:
    """Bytes as a Lua string literal (decimal escapes: long brackets would eat the CRs)."""
    safe = set(range(32, 127)) - {ord('"'), ord("\\")}
    return '"' + "".join(chr(b) if b in safe else f"\\{b:03d}" for b in data) + '"'


def lua_script(scenario: Scenario) -> str:
    """The wrk script for one scenario."""
    lines = [f'wrk.method = "{scenario.method}"']
    if scenario.body:
        lines.append(f"wrk.body = {lua_string(scenario.body)}")
        lines.append(f'wrk.headers["Content-Type"] = "{scenario.content_type}"')
    return "\n".join(lines) + "\n" + LUA_DONE


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    """The app under the packaged settings (web/gunicorn_conf.py), access log thrown away, no rate limit."""
    command = [sys.executable, "-P", "-m", "web.serving", "--bind", f"127.0.0.1:{port}"]
    env = {**os.environ, "BILL_EXPLAINER_RATE_LIMIT": "0"}
    # The error log goes to an unnamed temporary file: a pipe nobody reads would fill and block.
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - it lives as long as the server
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            raise RuntimeError("gunicorn exited: " + errors.read().decode()[-1500:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/about-privacy", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start within 30 s")


def _wait_for_workers(master: int) -> list[int]:
    """Wait until gunicorn has booted all the workers its config asks for (at most 30 s)."""
    from web.serving import settings

    wanted = int(settings()["workers"])
    deadline = time.monotonic() + 30
    while len(worker_pids(master)) < wanted and time.monotonic() < deadline:
        time.sleep(0.2)
    return worker_pids(master)


def worker_pids(master: int) -> list[int]:
    """The master's children, from /proc/<pid>/task/*/children."""
    pids: list[int] = []
    for children in Path(f"/proc/{master}/task").glob("*/children"):
        pids += [int(pid) for pid in children.read_text().split()]
    return sorted(pids)


def peak_memory_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemoryWatch:
    """Samples every worker's VmHWM twice a second: workers are recycled (max_requests), so
    reading them only at the end would miss the peaks of the ones that are gone."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.5)

    def sample(self) -> None:
        for pid in worker_pids(self.master):
            try:
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak_memory_mb(pid))
            except OSError:
                continue  # the worker just exited

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def run_wrk(url: str, scenario: Scenario, folder: Path) -> Result:
    """One wrk run of SECONDS with CONNECTIONS connections."""
    script = folder / f"{scenario.name.split()[0]}.lua"
    script.write_text(lua_script(scenario), encoding="latin-1")
    command = [
        "wrk", "-t", str(WRK_THREADS), "-c", str(CONNECTIONS), "-d", f"{SECONDS:g}s",
        "--timeout", "10s", "-s", str(script), url + scenario.path,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 60).stdout
    for line in output.splitlines():
        if line.startswith("BENCH "):
            return Result(**json.loads(line[len("BENCH ") :]))
    raise RuntimeError("wrk printed no summary:\n" + output)


def run_python(url: str, scenario: Scenario) -> Result:
    """The fallback: CONNECTIONS threads sending requests one after another for SECONDS."""
    parts = urllib.parse.urlsplit(url)
    latencies: list[float] = []
    errors = {"status": 0, "socket": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def client() -> None:
        while time.monotonic() < stop_at:
            start = time.monotonic()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            try:
                headers = {"Content-Type": scenario.content_type} if scenario.body else {}
                connection.request(scenario.method, scenario.path, scenario.body or None, headers)
                answer = connection.getresponse()
                answer.read()
                failed = "status" if answer.status >= 400 else None
            except OSError:
                failed = "socket"
            finally:
                connection.close()
            with lock:
                latencies.append(time.monotonic() - start)
                if failed:
                    errors[failed] += 1

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies) or [0.0]

    def percentile(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return Result(
        len(latencies), time.monotonic() - began, percentile(0.50), percentile(0.99),
        errors["status"], errors["socket"],
    )  # fmt: skip


def main() -> int:
    """Run the three scenarios; print the figures; non-zero if a target is missed."""
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (make system-deps): using the slower Python load generator")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port)
    results: dict[str, Result] = {}
    try:
        workers = _wait_for_workers(server.pid)
        print(
            f"gunicorn: {len(workers)} sync workers on {url}; {CONNECTIONS} connections, "
            f"{SECONDS:g} s per run, load from {'wrk' if wrk else 'python threads'}"
        )
        with (
            tempfile.TemporaryDirectory(prefix="bench-load-") as folder,
            MemoryWatch(server.pid) as memory,
        ):
            for scenario in scenarios():
                result = run_wrk(url, scenario, Path(folder)) if wrk else run_python(url, scenario)
                results[scenario.name] = result
                print(
                    f"  {scenario.name:36s} {result.rate:8.1f} req/s   p50 {result.p50_ms:7.1f} ms"
                    f"   p99 {result.p99_ms:7.1f} ms   errors {result.errors}"
                    f" (non-2xx {result.status_errors}, socket {result.socket_errors})",
                    flush=True,
                )
        peaks = sorted(memory.peaks.values(), reverse=True)
        print(
            f"  worker peak memory (VmHWM, {len(peaks)} worker processes seen, recycled after "
            f"~1000 requests): highest {peaks[0]:.0f} MB, all: "
            + ", ".join(f"{peak:.0f}" for peak in peaks[:12])
            + f" MB; master {peak_memory_mb(server.pid):.0f} MB"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    typed = results["typed POST /api/v1/explain"]
    errors = sum(result.errors for result in results.values())
    ok = errors == 0 and typed.p99_ms < P99_TARGET_MS
    print(
        f"  targets: zero errors ({errors}), typed p99 < {P99_TARGET_MS:.0f} ms "
        f"({typed.p99_ms:.0f} ms): {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
