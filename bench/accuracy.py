"""How well the app reads papers it was not built around: score.py over the layout zoo.

    .venv/bin/python bench/accuracy.py [--no-photos] [--family NAME] [--details NAME] [--markdown]

Builds the zoo (tests/zoo/) into build/zoo, or reuses it when it is present and the generator
is unchanged, then runs ../shared/tools/score.py once per family (two at a time) with --json
and merges the results: per family and overall, F1 for lines, adjustments and findings
(score.py's micro-averaged definitions) and the count of false alerts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.zoo.build import (  # noqa: E402
    DEFAULT_PER_FAMILY,
    DEFAULT_SEED,
    build,
    generator_hash,
)

SCORE = ROOT.parent / "shared" / "tools" / "score.py"
DEFAULT_CMD = ".venv/bin/bill-explainer"


def ensure_zoo(zoo: Path, seed: str, per_family: int, rebuild: bool) -> None:
    stamp = zoo / ".generator"
    want = generator_hash(seed, per_family)
    if not rebuild and stamp.is_file() and stamp.read_text().strip() == want:
        return
    t0 = time.monotonic()
    n = build(zoo, seed, per_family)
    print(f"built the zoo: {n} cases in {time.monotonic() - t0:.1f}s -> {zoo}", file=sys.stderr)


def families_in(zoo: Path) -> list[str]:
    return sorted({p.name.rsplit("-", 1)[0] for p in zoo.iterdir() if (p / "truth.json").is_file()})


def snapshot(rev: str, into: Path) -> dict[str, str]:
    """The engine and its content as committed at `rev`, for measuring a commit while the
    working tree holds someone's unfinished edits. Returns the environment that runs it."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    print(f"measuring the engine as committed at {sha}", file=sys.stderr)
    archive = subprocess.run(["git", "archive", sha, "explainer", "content"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return {**os.environ, "PYTHONPATH": str(into)}


def score_family(family: str, zoo: Path, cmd: str, timeout: float,
                 env: dict[str, str] | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "score.json"
        proc = subprocess.run(
            [sys.executable, str(SCORE), "--cmd", cmd, "--cases-dir", str(zoo), "--case", family,
             "--timeout", str(timeout), "--json", str(out)],
            cwd=ROOT, capture_output=True, text=True, check=False, env=env)
        if proc.returncode != 0 or not out.is_file():
            raise SystemExit(f"score.py failed on {family}: {proc.stderr.strip()[-400:]}")
        data: dict[str, Any] = json.loads(out.read_text())
    return data


def f1(tp: int, n_out: int, n_truth: int) -> float:
    return 0.0 if n_out + n_truth == 0 else 2.0 * tp / (n_out + n_truth)


def f1_pr(rec: int, n_truth: int, prec: int, n_out: int) -> float:
    p = prec / n_out if n_out else 0.0
    r = rec / n_truth if n_truth else 0.0
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def tally(cases: list[dict[str, Any]]) -> dict[str, Any]:
    rules: Counter[str] = Counter()
    t: dict[str, Any] = dict(cases=len(cases), ran=0, lt=0, lo=0, ln=0, at=0, ao=0, an=0, fr=0, fp=0, fo=0, fn=0,
             fa=0)
    for c in cases:
        t["ran"] += bool(c["ran"])
        lt, lo, ln = c["lines"]
        at, ao, an = c["adjustments"]
        fr, fp, fo, fn = c["findings"]
        for k, v in zip(("lt", "lo", "ln", "at", "ao", "an", "fr", "fp", "fo", "fn"),
                        (lt, lo, ln, at, ao, an, fr, fp, fo, fn), strict=True):
            t[k] += v
        t["fa"] += c["false_alerts"]
        for f in c.get("extra", {}).get("findings", []):
            if f.get("severity") in ("alert", "warning"):
                rules[str(f.get("rule"))] += 1
    t["unmatched_alerts"] = dict(rules.most_common())
    t["lines_f1"] = f1(t["lt"], t["lo"], t["ln"])
    t["adj_f1"] = f1(t["at"], t["ao"], t["an"])
    t["find_f1"] = f1_pr(t["fr"], t["fn"], t["fp"], t["fo"])
    return t


def fmt_f1(value: float, n_out: int, n_truth: int) -> str:
    return "—" if n_out + n_truth == 0 else f"{value:.2f}"


def table(rows: list[tuple[str, dict[str, Any]]], markdown: bool) -> str:
    head = ["family", "cases", "ran", "lines F1", "adj F1", "findings F1", "false alerts",
            "lines (hit/truth/out)", "findings (hit/truth)"]
    body = []
    for name, t in rows:
        body.append([name, str(t["cases"]), str(t["ran"]), fmt_f1(t["lines_f1"], t["lo"], t["ln"]),
                     fmt_f1(t["adj_f1"], t["ao"], t["an"]), fmt_f1(t["find_f1"], t["fo"], t["fn"]),
                     str(t["fa"]), f"{t['lt']}/{t['ln']}/{t['lo']}", f"{t['fr']}/{t['fn']}"])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True)))
                     for r in [head, *body])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score the app on the layout zoo.")
    ap.add_argument("--zoo", default=str(ROOT / "build" / "zoo"))
    ap.add_argument("--seed", default=DEFAULT_SEED)
    ap.add_argument("--per-family", type=int, default=DEFAULT_PER_FAMILY)
    ap.add_argument("--rebuild", action="store_true", help="build the zoo even if up to date")
    ap.add_argument("--no-photos", action="store_true", help="skip the photo (OCR) families")
    ap.add_argument("--family", action="append", default=[], help="only this family")
    ap.add_argument("--details", metavar="FAMILY",
                    help="print score.py's case-by-case misses and extras for one family")
    ap.add_argument("--cmd", default=DEFAULT_CMD)
    ap.add_argument("--at", metavar="REV",
                    help="measure the engine as committed at REV (e.g. HEAD), not the working tree")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--json", metavar="FILE", help="also write the merged results")
    a = ap.parse_args(argv)

    zoo = Path(a.zoo)
    ensure_zoo(zoo, a.seed, a.per_family, a.rebuild)
    with tempfile.TemporaryDirectory() as snap:
        env = None
        if a.at:
            env = snapshot(a.at, Path(snap))
            a.cmd = f"{ROOT / '.venv' / 'bin' / 'python'} -m explainer"
        return run(a, zoo, env)


def run(a: argparse.Namespace, zoo: Path, env: dict[str, str] | None) -> int:
    if a.details:
        return subprocess.run([sys.executable, str(SCORE), "--cmd", a.cmd, "--cases-dir", str(zoo),
                               "--case", a.details, "--details", "--timeout", str(a.timeout)],
                              cwd=ROOT, check=False, env=env).returncode
    families = a.family or families_in(zoo)
    if a.no_photos:
        families = [f for f in families if not f.startswith("photo_")]
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        results = dict(zip(families, pool.map(
            lambda fam: score_family(fam, zoo, a.cmd, a.timeout, env), families), strict=True))
    rows = [(fam, tally(results[fam]["cases"])) for fam in families]
    every = [c for fam in families for c in results[fam]["cases"]]
    rows.append(("OVERALL", tally(every)))
    print(table(rows, a.markdown))
    unmatched = rows[-1][1]["unmatched_alerts"]
    print("\nalerts and warnings that match no truth finding, by rule: "
          + (", ".join(f"{r} {n}" for r, n in unmatched.items()) or "none"))
    print(f"{len(every)} cases, {len(families)} families, {time.monotonic() - t0:.0f}s")
    if a.json:
        Path(a.json).write_text(json.dumps({fam: t for fam, t in rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
