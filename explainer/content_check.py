"""`bill-explainer check-content`: validate content/ and report coverage and readability."""

from __future__ import annotations

import csv
import statistics
import sys
from collections import Counter
from pathlib import Path

from .codes import OUR_NOTES, public_source
from .content import CONTENT_DIR, Library, load_library
from .errors import ContentError
from .extract.ledger_row import load_vocabulary
from .model import CodeSystem

MAX_GRADE = 9.0
TARGET_MEDIAN_GRADE = 6.0
TARGET_SPANISH_MEDIAN = 70.0


def readability(library: Library) -> tuple[list[tuple[str, float]], list[float]] | None:
    """English Flesch–Kincaid grade per code (plain text) and Spanish Fernández-Huerta scores."""
    try:
        import textstat
    except ImportError:
        return None
    english: list[tuple[str, float]] = []
    spanish: list[float] = []
    for (system, code), entry in library.codes.items():
        textstat.set_lang("en")
        english.append(
            (
                f"{system.value}:{code}",
                float(textstat.flesch_kincaid_grade(entry.texts["en"]["plain"])),
            )
        )
        plain_es = entry.texts.get("es", {}).get("plain")
        if plain_es:
            textstat.set_lang("es")
            spanish.append(float(textstat.fernandez_huerta(plain_es)))
    textstat.set_lang("en")
    return english, spanish


def official_codes(root: Path = CONTENT_DIR) -> dict[tuple[CodeSystem, str], str]:
    """The official lists we ship (codes and status only): scripts/import_codes.py writes them."""
    path = root / "codes" / "official_list.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {(CodeSystem(row["system"]), row["code"]): row["status"] for row in rows}


def coverage_problems(library: Library, official: dict[tuple[CodeSystem, str], str]) -> list[str]:
    """Official codes without an entry, and entries whose active flag disagrees with the list."""
    problems = [
        f"no entry for {system.value} {code}"
        for system, code in official
        if (system, code) not in library.codes
    ]
    for key, status in official.items():
        entry = library.codes.get(key)
        if entry is not None and entry.active != (status != "deactivated"):
            problems.append(
                f"{key[0].value} {key[1]}: active={entry.active} but the official list says {status}"
            )
    return problems


def source_problems(library: Library) -> list[str]:
    """Entries whose source, as users see it, points at our own design files (FACTS.md,
    RULES.md, a bare '§'), or is empty: users get official documents only (issue 15)."""
    problems = []
    for (system, code), entry in library.codes.items():
        shown = public_source(entry.explain())
        if not shown:
            problems.append(f"{system.value} {code}: no source to show")
        elif OUR_NOTES.search(shown):
            problems.append(f"{system.value} {code}: source shows our own notes: {shown}")
    return problems


def run_check(verbose: bool = False) -> int:
    """Print the report; exit 1 on invalid content or readability over the limits."""
    try:
        library = load_library()
        load_vocabulary(CONTENT_DIR / "ledger.toml")  # statement row words (issue 14)
    except ContentError as error:
        print(error.message, file=sys.stderr)
        return 1
    counts = Counter(system.value for system, _ in library.codes)
    inactive = sum(not entry.active for entry in library.codes.values())
    missing_es = [
        f"{s.value}:{c}"
        for (s, c), e in library.codes.items()
        if not e.texts.get("es", {}).get("plain")
    ]
    print("content/ is valid.")
    print(
        "codes: "
        + ", ".join(f"{system} {count}" for system, count in sorted(counts.items()))
        + f" ({inactive} no longer used)"
    )
    print(
        f"procedure ranges: {len(library.procedures)}; "
        f"sequestration periods: {len(library.sequestration)}; "
        f"finding rules: {len(library.findings)}"
    )
    status = 0
    official = official_codes()
    gaps = coverage_problems(library, official)
    listed = Counter(system.value for system, _ in official)
    print(
        "official lists: "
        + ", ".join(f"{system} {count}" for system, count in sorted(listed.items()))
        + f"; without our entry or with a wrong status: {len(gaps)}"
    )
    for problem in gaps[:20]:
        print(f"  {problem}")
    if gaps:
        status = 1
    sources = source_problems(library)
    print(f"sources shown to users that cite our own notes or nothing: {len(sources)}")
    for problem in sources[:20]:
        print(f"  {problem}")
    if sources:
        status = 1
    if missing_es:
        print(
            f"missing Spanish: {len(missing_es)} ({', '.join(missing_es[:10])}{' …' if len(missing_es) > 10 else ''})"
        )
        status = 1
    scores = readability(library)
    if scores is None:
        print("readability: textstat is not installed; skipped")
        return status
    english, spanish = scores
    grades = [grade for _, grade in english]
    too_hard = [(code, grade) for code, grade in english if grade > MAX_GRADE]
    print(
        f"readability (English Flesch–Kincaid grade of `plain`): median {statistics.median(grades):.1f}, "
        f"max {max(grades):.1f}; over grade {MAX_GRADE:g}: {len(too_hard)}"
    )
    if spanish:
        print(
            "readability (Spanish Fernández-Huerta of `plain_es`): "
            f"median {statistics.median(spanish):.1f}, min {min(spanish):.1f}"
        )
    for code, grade in sorted(too_hard, key=lambda item: -item[1]):
        print(f"  too hard: {code} grade {grade:.1f}")
    if verbose:
        for code, grade in english:
            print(f"  {code}: grade {grade:.1f}")
    if too_hard or statistics.median(grades) > TARGET_MEDIAN_GRADE:
        status = 1
    if spanish and statistics.median(spanish) < TARGET_SPANISH_MEDIAN:
        status = 1
    return status
