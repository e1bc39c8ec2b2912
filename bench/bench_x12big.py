"""Benchmark: `bill-explainer explain` on 835s of 10,000 and 50,000 claims (issue 14).

A billing service's weekly remittance runs to 50,000 claims and about 60 MB. Each figure is a
separate process, as a user runs the command: wall time and peak memory (ru_maxrss of that
child, from os.wait4), next to a bare split of the same file into segments and elements in
the same run. The claims are shaped like production ones (about 1.1 kB each: five lines with
CAS, LQ, REF and AMT, patient and insured names, account and group numbers, dates).

    .venv/bin/python bench/run.py x12big          # both sizes
    .venv/bin/python bench/bench_x12big.py 10000  # one size
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.x12_factory import ClaimSpec, Payment, build_835, medicare_line  # noqa: E402

SIZES = (10_000, 50_000)
PEAK_LIMIT_MB = 1024
"""Issue 14: a 50,000-claim file explained from the CLI under 1 GB peak memory."""

# Segments a production claim carries beyond what the factory writes (loop 2100).
_EXTRA = (
    "REF*EA*PATACCT{number}~\nREF*1L*GRP0012345~\nREF*F8*ORIGREF{number}~\n"
    "NM1*IL*1*DOE*JOHNATHAN*Q***MI*1EG4TE5MK72~\nNM1*74*1*DOE*JOHN*Q***C*1EG4TE5MK72~\n"
    "AMT*AU*{covered}~\nPER*CX*CLAIMS DEPARTMENT*TE*8005551212~\nDTM*036*20241231~\n"
)
_BARE_SPLIT = (
    "import sys\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "print(sum(len(segment.split(b'*')) for segment in data.split(b'~')))\n"
)


def realistic_835(claims: int) -> bytes:
    """One payment of `claims` claims, built from one factory claim with its number changed."""
    lines = tuple(
        replace(
            medicare_line(
                Decimal("180.00") + index, Decimal("120.00"), procedure=code, remarks=("N130",)
            ),
            control=f"LINECTRL{index}",
        )
        for index, code in enumerate(("99214", "36415", "81002", "G0439", "93000"))
    )
    template = ClaimSpec(
        number="T0000000",
        lines=lines,
        remarks=("MA01",),
        patient=("DOE-SMITHERSON", "JOHNATHAN"),
        date_from=date(2024, 3, 4),
        date_through=date(2024, 3, 4),
        received=date(2024, 3, 8),
    )
    one = build_835(Payment(claims=(template,), total=template.payment * claims)).decode()
    start = one.index("CLP*T0000000*")
    end = one.index("SE*", start)
    block = one[start:end].replace(
        "NM1*82*", _EXTRA.format(number="{number}", covered=template.payment) + "NM1*82*", 1
    )
    count = block.count("~")
    parts = [one[:start]]
    parts.extend(block.replace("T0000000", f"C{number:07d}") for number in range(claims))
    se = re.match(r"SE\*(\d+)\*", one[end:])
    assert se is not None
    # SE01 counts the segments: the template's, the extras added to it, then the copies.
    total = int(se.group(1)) + (count - one[start:end].count("~")) + count * (claims - 1)
    parts.append(f"SE*{total}*" + one[end + se.end() :])
    return "".join(parts).encode()


class Run(NamedTuple):
    """One child process: wall seconds, peak memory in MB, bytes it printed, its exit code."""

    seconds: float
    peak_mb: float
    output_bytes: int
    code: int


def run_child(command: list[str]) -> Run:
    """Run `command` to its end; its own peak RSS (Linux ru_maxrss is in kB) via os.wait4."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.PIPE, cwd=ROOT)
        assert child.stderr is not None
        errors = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        size = output.tell()
    if child.returncode:
        print(f"  {' '.join(command[2:])}: exit {child.returncode}: {errors.decode()[-300:]}")
    return Run(seconds, usage.ru_maxrss / 1024, size, child.returncode)


def bench(claims: int, folder: Path) -> bool:
    """Print the figures for one size; False if the CLI failed or went over the memory limit."""
    data = realistic_835(claims)
    path = folder / f"remit-{claims}.835"
    path.write_bytes(data)
    megabytes = len(data) / 1e6
    print(f"835 of {claims:,} claims, {claims * 5:,} lines, {megabytes:.1f} MB", flush=True)
    python = sys.executable
    split = run_child([python, "-c", _BARE_SPLIT, str(path)])
    print(
        f"  bare split:            {split.seconds:7.1f} s {split.peak_mb:7.0f} MB peak", flush=True
    )
    ok = split.code == 0
    for label, extra in (("explain (text)", []), ("explain --json", ["--json"])):
        result = run_child([python, "-m", "explainer", "explain", *extra, str(path)])
        ratio = result.seconds / split.seconds if split.seconds else float("inf")
        print(
            f"  {label + ':':22} {result.seconds:7.1f} s {result.peak_mb:7.0f} MB peak"
            f"  ({ratio:.0f}× the bare split; printed {result.output_bytes / 1e6:.1f} MB)",
            flush=True,
        )
        ok = ok and result.code == 0 and result.peak_mb < PEAK_LIMIT_MB
    return ok


def main() -> int:
    """Both sizes (or those given); non-zero if a run failed or went over 1 GB."""
    sizes = [int(arg) for arg in sys.argv[1:] if arg.isdigit()] or list(SIZES)
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-x12big-") as folder:
        for claims in sizes:
            ok = bench(claims, Path(folder)) and ok
    print(f"target: every run under {PEAK_LIMIT_MB} MB peak: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
