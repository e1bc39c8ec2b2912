"""Codes the library cannot explain: said plainly, never guessed (RULES.md unknown-code)."""

from __future__ import annotations

from collections.abc import Iterator

from ..codes import distinct_codes, explain_code
from ..model import CodeSystem, Evidence, Finding
from .base import Bundle, make_finding


def check_unknown_codes(bundle: Bundle) -> Iterator[Finding]:
    """One info finding per code (once) that is not in the official lists we ship."""
    for system, code, source in distinct_codes(bundle.documents):
        # MSN note letters point at text printed on the notice itself, not a code list.
        if system is CodeSystem.MSN_NOTE:
            continue
        if explain_code(bundle.library, system, code, bundle.lang).known:
            continue
        yield make_finding(
            bundle,
            "unknown-code",
            evidence=(Evidence(source, "", code),),
            code=code,
            system=bundle.library.messages[f"system_{system.value}"][bundle.lang],
        )
