"""`make bench`: run every bench/bench_*.py in turn; each prints its own figures and ratios."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    """Run each benchmark module's main(); exit non-zero if any failed."""
    sys.path.insert(0, str(HERE.parent))
    failed = 0
    only = set(sys.argv[1:])
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem.removeprefix("bench_") not in only:
            continue
        print(f"== {path.stem}", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        failed += bool(module.main())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
