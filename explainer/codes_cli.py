"""`bill-explainer codes`: print the code library (all of it, or the codes asked)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence

from .content import Library
from .model import CodeExplanation

Lookup = Callable[[Library, str, str], list[CodeExplanation]]


def _entry_dict(library: Library, code: CodeExplanation) -> dict[str, object]:
    entry = library.codes.get((code.system, code.code))
    spanish = entry.explain("es") if entry else code
    return {
        "system": code.system.value,
        "code": code.code,
        "active": code.active,
        "known": code.known,
        "title": code.title,
        "plain": code.plain,
        "patient_pays": code.patient_pays,
        "what_to_do": code.what_to_do,
        "title_es": spanish.title,
        "plain_es": spanish.plain,
        "what_to_do_es": spanish.what_to_do,
        "source": code.source,
    }


def print_codes(
    library: Library, queries: Sequence[str], lang: str, as_json: bool, lookup: Lookup
) -> int:
    """Print the asked codes (or every code); exit 1 when a query matched nothing."""
    if queries:
        found: list[CodeExplanation] = []
        missing = []
        for query in queries:
            results = lookup(library, query, lang)
            if not results:
                missing.append(query)
            found.extend(results)
    else:
        found = [entry.explain(lang) for entry in library.codes.values()]
        missing = []
    if as_json:
        json.dump(
            {"codes": [_entry_dict(library, code) for code in found]},
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
    else:
        for code in found:
            status = "" if code.active else " (no longer used)"
            print(f"{code.system.value.upper()} {code.code}{status} — {code.title}")
            print(f"  {code.plain}")
            if code.what_to_do:
                print(f"  → {code.what_to_do}")
    for query in missing:
        print(f"bill-explainer: “{query}” is not a code we know.", file=sys.stderr)
    return 1 if missing else 0
