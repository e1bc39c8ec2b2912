"""`bill-explainer check-content`: validate content/ and report coverage and readability."""

from __future__ import annotations

import statistics
import sys
from collections import Counter

from .content import Library, load_library
from .errors import ContentError

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


def run_check(verbose: bool = False) -> int:
    """Print the report; exit 1 on invalid content or readability over the limits."""
    try:
        library = load_library()
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
