"""Write the layout zoo: one folder per case with its papers and truth.json.

    python -m tests.zoo.build --out build/zoo [--seed zoo-1] [--per-family 12] [--family NAME]

Deterministic from the seed: the same seed and generator give byte-identical papers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

from .families import FAMILIES
from .truth import Case, check_case

HERE = Path(__file__).resolve().parent
DEFAULT_SEED = "zoo-1"
DEFAULT_PER_FAMILY = 12
# families whose papers are photos (the OCR path, ~5 s a page): few cases
PHOTO_PER_FAMILY = 5


def generator_hash(seed: str, per_family: int) -> str:
    """Changes when any generator module, the seed or the count changes."""
    h = hashlib.sha256(f"{seed}:{per_family}".encode())
    for f in sorted(HERE.glob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def make_case(family: str, n: int, seed: str) -> Case:
    rng = random.Random(f"{seed}:{family}:{n}")
    case = Case(family, f"{family}-{n:03d}", index=n)
    FAMILIES[family](rng, case)
    return case


def cases_of(family: str, seed: str, per_family: int) -> list[Case]:
    count = PHOTO_PER_FAMILY if family.startswith("photo_") else per_family
    return [make_case(family, n, seed) for n in range(1, count + 1)]


def write_case(case: Case, out: Path) -> Path:
    folder = out / case.name
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in case.files.items():
        (folder / name).write_bytes(data)
    (folder / "truth.json").write_text(json.dumps(case.truth(), indent=1) + "\n", encoding="utf-8")
    return folder


def build(out: Path, seed: str = DEFAULT_SEED, per_family: int = DEFAULT_PER_FAMILY,
          families: list[str] | None = None) -> int:
    """Write every case; refuse a case whose own arithmetic fails. Returns the case count."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    count = 0
    for family in families or list(FAMILIES):
        for case in cases_of(family, seed, per_family):
            problems = check_case(case)
            if problems:
                raise SystemExit(f"{case.name}: {'; '.join(problems)}")
            write_case(case, out)
            count += 1
    (out / ".generator").write_text(generator_hash(seed, per_family) + "\n")
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the layout zoo (cases with truth.json).")
    ap.add_argument("--out", default="build/zoo")
    ap.add_argument("--seed", default=DEFAULT_SEED)
    ap.add_argument("--per-family", type=int, default=DEFAULT_PER_FAMILY)
    ap.add_argument("--family", action="append", help="only this family (repeatable)")
    a = ap.parse_args(argv)
    unknown = [f for f in a.family or [] if f not in FAMILIES]
    if unknown:
        print(f"unknown family {unknown}; known: {', '.join(FAMILIES)}", file=sys.stderr)
        return 2
    n = build(Path(a.out), a.seed, a.per_family, a.family)
    print(f"wrote {n} cases of {len(a.family or FAMILIES)} families to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
