"""Workspace benchmark (issue 15): a 5,000-claim 835 against the served app.

gunicorn with the packaged settings on a free loopback port (the vault process beside its
workers, as in production). A generated 835 of 5,000 claims (tests/x12_factory.py; two lines
each, a denial every 50th claim) is uploaded through the form as a browser does: GET / for
the form token, POST /explain, follow the 303 to /workspace. Then the pages a front desk
clicks: later pages, a search, each filter, sorts, a claim, a sheet, the CSV files.

Targets (figures, not assertions): POST → complete first page ≤ 2 s; each later page or
filter ≤ 0.3 s; every page ≤ 500 KB. The print page of all sheets (up to 500) is printed
last, apart: it is a print batch, not a page one reads on screen.

Wall-clock times on a shared machine follow its load (printed at the end), so the upload's
stages are also measured in this process, as wall and CPU seconds: the CPU seconds are the
work itself, what an idle machine's wall clock would show.

    .venv/bin/python bench/run.py workspace      (BENCH_WORKSPACE_CLAIMS, _RUNS to change)
"""

from __future__ import annotations

import http.client
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.datastructures import FileStorage, MultiDict  # noqa: E402
from werkzeug.test import encode_multipart  # noqa: E402

from bench.bench_load import free_port, start_gunicorn  # noqa: E402
from tests.x12_factory import Payment, build_835, denied_claim, many_claims  # noqa: E402

CLAIMS = int(os.environ.get("BENCH_WORKSPACE_CLAIMS", "5000"))
RUNS = int(os.environ.get("BENCH_WORKSPACE_RUNS", "3"))
FIRST_PAGE_SECONDS = 2.0
LATER_PAGE_SECONDS = 0.3
PAGE_BYTES = 500 * 1024




class Browser:
    """Cookies and plain HTTP/1.1 requests, timed to the last byte of the body."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, bytes, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Content-Type": content_type} if content_type else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body or None, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            found = dict(answer.getheaders())
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.split(";", 1)[0].partition("=")
                    self.cookies[key] = rest
            return answer.status, data, found
        finally:
            connection.close()

    def timed_get(self, path: str) -> tuple[float, int]:
        start = time.perf_counter()
        status, data, _ = self.request("GET", path)
        elapsed = time.perf_counter() - start
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return elapsed, len(data)


def upload(browser: Browser, data: bytes) -> tuple[float, int, float]:
    """POST /explain and GET the first page: (total seconds, page bytes, POST seconds)."""
    status, form, _ = browser.request("GET", "/")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert status == 200 and token
    fields = [
        ("csrf_token", token.group(1).decode()),
        ("notice_files", FileStorage(io.BytesIO(data), filename="remit.835")),
    ]
    boundary, body = encode_multipart(MultiDict(fields))
    start = time.perf_counter()
    status, _, headers = browser.request(
        "POST", "/explain", body, f"multipart/form-data; boundary={boundary}"
    )
    posted = time.perf_counter() - start
    if status != 303:
        raise RuntimeError(f"POST /explain answered {status}")
    status, page, _ = browser.request("GET", headers["Location"])
    total = time.perf_counter() - start
    assert status == 200
    return total, len(page), posted


LATER = [
    ("page 2", "/workspace?page=2"),
    ("page 50", "/workspace?page=50"),
    ("last page", "/workspace?page=100"),
    ("search a patient", "/workspace?q=doe+jane+C0004321"),
    ("search a date", "/workspace?q=2024-03-04"),
    ("filter denied", "/workspace?show=denied"),
    ("filter owes > 0", "/workspace?show=owes"),
    ("filter CO 253", "/workspace?show=co253&page=7"),
    ("sort owes, desc", "/workspace?sort=owes&order=desc"),
    ("sort patient, page 10", "/workspace?sort=patient&page=10"),
    ("one claim", "/workspace/claims/4321?show=denied"),
    ("one sheet", "/workspace/sheets?pick=4321"),
    (
        "10 ticked sheets",
        "/workspace/sheets?which=picked&" + "&".join(f"pick={n}" for n in range(100, 1100, 100)),
    ),
    ("CSV, denied claims", "/workspace/claims.csv?show=denied"),
    ("CO 253 by month CSV", "/workspace/co-253-by-month.csv"),
]


def stages(data: bytes) -> None:
    """The upload's work in this process: explain, build the workspace, seal its two parts."""
    from explainer import Answers, Role, Upload, explain_uploads
    from web.workspace_model import build_workspace
    from web.workspace_seal import Ticket, seal

    marks = [(time.perf_counter(), time.process_time())]
    explanation = explain_uploads([Upload(data, "remit.835", Role.NOTICE)], Answers())
    marks.append((time.perf_counter(), time.process_time()))
    workspace, claims = build_workspace(explanation, held_until=0.0)
    marks.append((time.perf_counter(), time.process_time()))
    ticket = Ticket.new()
    sealed = len(seal(workspace, ticket, ".index")) + len(seal(claims, ticket, ".claims"))
    marks.append((time.perf_counter(), time.process_time()))
    names = ("explain (engine)", "build workspace", "seal both parts")
    for name, (start, end) in zip(names, zip(marks, marks[1:], strict=False), strict=True):
        print(f"  {name:<18} wall {end[0] - start[0]:.2f} s, CPU {end[1] - start[1]:.2f} s")
    print(f"  sealed: {sealed / 1024:.0f} KB held in the vault for {CLAIMS:,} claims")


def main() -> int:
    payment = many_claims(CLAIMS, lines=2)
    claims = tuple(
        denied_claim(claim.number) if index % 50 == 0 else claim
        for index, claim in enumerate(payment.claims)
    )
    data = build_835(Payment(claims=claims))
    port = free_port()
    server = start_gunicorn(port)
    print(f"835: {CLAIMS:,} claims, {len(data) / 1e6:.1f} MB; gunicorn on 127.0.0.1:{port}")
    try:
        firsts = []
        for run in range(RUNS):
            browser = Browser(port)
            total, size, posted = upload(browser, data)
            firsts.append((total, size, posted))
            print(
                f"  run {run + 1}: POST → first page {total:.2f} s (POST {posted:.2f} s), "
                f"{size / 1024:.0f} KB"
            )
        worst_first = max(total for total, _, _ in firsts)
        print(
            f"upload to first page: median {statistics.median(t for t, _, _ in firsts):.2f} s, "
            f"worst {worst_first:.2f} s (target ≤ {FIRST_PAGE_SECONDS} s)"
        )
        print(f"{'later page':<24} {'median':>8} {'worst':>8} {'KB':>7}")
        worst_later, biggest = 0.0, max(size for _, size, _ in firsts)
        for name, path in LATER:
            times, size = [], 0
            for _ in range(5):
                elapsed, size = browser.timed_get(path)
                times.append(elapsed)
            is_page = ".csv" not in path
            if is_page:
                worst_later = max(worst_later, max(times))
                biggest = max(biggest, size)
            print(
                f"{name:<24} {statistics.median(times):>7.3f}s {max(times):>7.3f}s "
                f"{size / 1024:>7.0f}{'' if is_page else '  (file)'}"
            )
        elapsed, size = browser.timed_get("/workspace/sheets?which=all")
        print(
            f"{'print all (500 sheets)':<24} {elapsed:>7.3f}s {'':>8} {size / 1024:>7.0f}  (print batch)"
        )
        print(
            "targets: first page "
            + ("met" if worst_first <= FIRST_PAGE_SECONDS else "MISSED")
            + f" ({worst_first:.2f} s); later pages "
            + ("met" if worst_later <= LATER_PAGE_SECONDS else "MISSED")
            + f" ({worst_later:.3f} s); pages ≤ 500 KB "
            + ("met" if biggest <= PAGE_BYTES else "MISSED")
            + f" (largest {biggest / 1024:.0f} KB)"
        )
        with open("/proc/loadavg") as load:
            print(f"load average during the run: {load.read().split()[0]} (2 cores, shared)")
        print("the upload's stages in this process:")
        stages(data)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
