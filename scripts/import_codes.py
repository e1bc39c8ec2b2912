"""Refresh content/codes/official_list.csv from a copy of the official CARC and RARC lists.

X12 publishes the lists three times a year (FACTS.md §3). We ship only what are facts — each
code and its status — never X12's descriptions (X12 intellectual property). Usage:

    python scripts/import_codes.py ../shared/corpus/codes/x12_codes_2026-08-17.csv

Then run `bill-explainer check-content`: it lists every code that has no plain-language
entry yet, and every entry whose `active` flag no longer matches the official status.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "content" / "codes" / "official_list.csv"
LISTS = {"CARC": "carc", "RARC": "rarc"}


def main(argv: list[str]) -> int:
    """Read the scraped list (columns list, code, status, description); write list, code, status."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[1])
    rows = []
    with source.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            system = LISTS.get(row["list"].strip().upper())
            status = row["status"].strip().lower()
            if system is None or status not in {"current", "deactivated", "tobe"}:
                continue
            rows.append((system, row["code"].strip().upper(), status))
    rows.sort(key=lambda item: (item[0], len(item[1]), item[1]))
    with OUTPUT.open("w", newline="", encoding="utf-8") as handle:
        handle.write(f"# codes and status only (no X12 text); imported from {source.name}\n")
        writer = csv.writer(handle)
        writer.writerow(["system", "code", "status"])
        writer.writerows(rows)
    counts = {system: sum(r[0] == system for r in rows) for system in LISTS.values()}
    print(f"wrote {OUTPUT}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
