"""Load and validate the plain-language content in content/ (codes, rates, finding texts).

Words live in TOML files, policy in code (STYLE.md point 5). Every problem in every file is
collected and raised together as one ContentError, so `bill-explainer check-content` and the
tests report all bad entries with their file and key at once.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ContentError
from .model import CodeExplanation, CodeSystem
from .resources import package_folder

# content/ ships inside the package as explainer/data/content (docs/decisions/0006-package-data.md).
CONTENT_DIR = Path(
    os.environ.get("BILL_EXPLAINER_CONTENT") or package_folder("explainer", "data", "content")
)

CODE_FILES: dict[CodeSystem, str] = {
    CodeSystem.GROUP: "group",
    CodeSystem.CARC: "carc",
    CodeSystem.RARC: "rarc",
    CodeSystem.MSN_NOTE: "msn_note",
}
"""Each system's entries live in content/codes/<stem>.toml and any content/codes/<stem>_*.toml
(the hand-checked common codes apart from the rest of the official list)."""

CODE_REQUIRED = {"id", "title", "plain", "patient_pays", "what_to_do", "source", "reviewed"}
CODE_OPTIONAL = {
    "active",
    "example",
    "title_es",
    "plain_es",
    "what_to_do_es",
    "example_es",
    "common",
    "official_status",
}
LANGS = ("en", "es")


@dataclass(frozen=True, slots=True)
class CodeEntry:
    """One code's content in every language we have."""

    system: CodeSystem
    id: str
    texts: Mapping[str, Mapping[str, str]]
    """lang -> field (title, plain, what_to_do, example) -> text"""
    patient_pays: bool | None
    source: str
    reviewed: date
    active: bool
    common: bool

    def explain(self, lang: str = "en") -> CodeExplanation:
        """This entry as a CodeExplanation in `lang`, falling back to English per field."""
        english = self.texts["en"]
        chosen = self.texts.get(lang, {})
        return CodeExplanation(
            system=self.system,
            code=self.id,
            title=chosen.get("title") or english["title"],
            plain=chosen.get("plain") or english["plain"],
            patient_pays=self.patient_pays,
            what_to_do=chosen.get("what_to_do") or english["what_to_do"],
            source=self.source,
            active=self.active,
            example=chosen.get("example") or english.get("example", ""),
        )


@dataclass(frozen=True, slots=True)
class ProcedureRange:
    """A lay category for a range of CPT/HCPCS codes (never the AMA descriptor text)."""

    start: str
    end: str
    title: str
    plain: str
    title_es: str
    plain_es: str

    def covers(self, code: str) -> bool:
        """Same length and shape (letters where the range has letters), then compared as text.

        Without the shape test, CPT Category II/III codes such as 3074F or 0042T would fall
        inside plain numeric ranges (surgery, anesthesia) when compared as strings.
        """
        if len(code) != len(self.start):
            return False
        for char, low, high in zip(code, self.start, self.end, strict=True):
            if char.isdigit() != low.isdigit() or char.isdigit() != high.isdigit():
                return False
            if not char.isdigit() and not low <= char <= high:
                return False
        return self.start <= code <= self.end


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """A sequestration rate in force for dates of service from `start` to `end` (inclusive)."""

    start: date
    end: date | None
    rate: Decimal | None
    """None where the law for that period was not verified: treat as unknown."""
    reference: str


@dataclass(frozen=True, slots=True)
class Library:
    """All content, validated."""

    codes: Mapping[tuple[CodeSystem, str], CodeEntry]
    procedures: tuple[ProcedureRange, ...]
    sequestration: tuple[RatePeriod, ...]
    findings: Mapping[str, Mapping[str, Any]]
    messages: Mapping[str, Mapping[str, str]]
    letters: Mapping[str, Any]


def _load_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)
    except FileNotFoundError:
        problems.append(f"{path}: missing")
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{path}: not valid TOML: {error}")
    return {}


def _check_keys(
    where: str,
    entry: Mapping[str, Any],
    required: set[str],
    optional: set[str],
    problems: list[str],
) -> bool:
    missing = required - entry.keys()
    unknown = entry.keys() - required - optional
    for key in sorted(missing):
        problems.append(f"{where}: missing key '{key}'")
    for key in sorted(unknown):
        problems.append(f"{where}: unknown key '{key}'")
    return not missing


def _patient_pays(where: str, value: Any, problems: list[str]) -> bool | None:
    if isinstance(value, bool):
        return value
    if value == "depends":
        return None
    problems.append(f'{where}: patient_pays must be true, false or "depends", not {value!r}')
    return None


def _code_files(root: Path, stem: str) -> list[Path]:
    codes = root / "codes"
    return [codes / f"{stem}.toml", *sorted(codes.glob(f"{stem}_*.toml"))]


def _code_entries(
    system: CodeSystem, relative: str, root: Path, problems: list[str], seen: set[str]
) -> Iterable[CodeEntry]:
    data = _load_toml(root / relative, problems)
    for index, entry in enumerate(data.get("code", [])):
        where = f"{relative}: code[{index}] ({entry.get('id', '?')})"
        if not _check_keys(where, entry, CODE_REQUIRED, CODE_OPTIONAL, problems):
            continue
        code_id = str(entry["id"]).strip().upper()
        if code_id in seen:
            problems.append(f"{where}: duplicate id '{code_id}'")
            continue
        seen.add(code_id)
        for key in ("title", "plain", "what_to_do", "source"):
            if not str(entry[key]).strip():
                problems.append(f"{where}: '{key}' is empty")
        if not isinstance(entry["reviewed"], date):
            problems.append(f"{where}: 'reviewed' must be a date like 2026-11-23")
            continue
        texts = {
            "en": {
                key: str(entry[key]).strip()
                for key in ("title", "plain", "what_to_do", "example")
                if key in entry
            },
            "es": {
                key: str(entry[f"{key}_es"]).strip()
                for key in ("title", "plain", "what_to_do", "example")
                if f"{key}_es" in entry
            },
        }
        yield CodeEntry(
            system=system,
            id=code_id,
            texts=texts,
            patient_pays=_patient_pays(where, entry["patient_pays"], problems),
            source=str(entry["source"]),
            reviewed=entry["reviewed"],
            active=bool(entry.get("active", True)),
            common=bool(entry.get("common", False)),
        )


def _procedures(root: Path, problems: list[str]) -> tuple[ProcedureRange, ...]:
    relative = "codes/procedure.toml"
    data = _load_toml(root / relative, problems)
    ranges = []
    required = {"start", "end", "title", "plain", "title_es", "plain_es"}
    for index, entry in enumerate(data.get("range", [])):
        where = f"{relative}: range[{index}]"
        if _check_keys(where, entry, required, {"source"}, problems):
            ranges.append(ProcedureRange(**{key: str(entry[key]) for key in required}))
    return tuple(ranges)


def _sequestration(root: Path, problems: list[str]) -> tuple[RatePeriod, ...]:
    relative = "rates/sequestration.toml"
    data = _load_toml(root / relative, problems)
    periods = []
    for index, entry in enumerate(data.get("period", [])):
        where = f"{relative}: period[{index}]"
        if not _check_keys(
            where, entry, {"start", "reference"}, {"end", "rate", "status"}, problems
        ):
            continue
        rate = entry.get("rate")
        if rate is not None and not isinstance(rate, Decimal):
            problems.append(f"{where}: rate must be a decimal like 0.02")
            continue
        periods.append(RatePeriod(entry["start"], entry.get("end"), rate, entry["reference"]))
    periods.sort(key=lambda period: period.start)
    for before, after in zip(periods, periods[1:], strict=False):
        if before.end is None or before.end >= after.start:
            problems.append(
                f"{relative}: periods starting {before.start} and {after.start} overlap"
            )
    return tuple(periods)


def _findings(root: Path, problems: list[str]) -> dict[str, dict[str, Any]]:
    """Finding texts, one file per rule family under content/findings/."""
    rules: dict[str, dict[str, Any]] = {}
    for path in sorted((root / "findings").glob("*.toml")):
        relative = f"findings/{path.name}"
        for rule_id, entry in _load_toml(path, problems).get("rule", {}).items():
            if rule_id in rules:
                problems.append(f"{relative}: rule.{rule_id} is defined twice")
                continue
            rules[rule_id] = entry
            _check_rule_texts(relative, rule_id, entry, problems)
    return rules


def _check_rule_texts(relative: str, rule_id: str, entry: Any, problems: list[str]) -> None:
    if entry.get("severity") not in {"alert", "warning", "info"}:
        problems.append(f"{relative}: rule.{rule_id}: severity must be alert, warning or info")
    for lang in LANGS:
        texts = entry.get(lang)
        if not isinstance(texts, dict):
            problems.append(f"{relative}: rule.{rule_id}: missing [{lang}] texts")
            continue
        # `part_*` keys are sentence pieces a check picks between (e.g. which CO code it was).
        parts = {key for key in texts if key.startswith("part_")}
        _check_keys(
            f"{relative}: rule.{rule_id}.{lang}",
            texts,
            {"title", "detail", "next_steps"},
            parts,
            problems,
        )


def _messages(root: Path, problems: list[str]) -> dict[str, dict[str, str]]:
    relative = "messages.toml"
    data = _load_toml(root / relative, problems)
    messages: dict[str, dict[str, str]] = {}
    for key, texts in data.items():
        if not isinstance(texts, dict) or set(texts) != set(LANGS):
            problems.append(f"{relative}: '{key}' must have exactly the keys {list(LANGS)}")
            continue
        messages[key] = {lang: str(texts[lang]) for lang in LANGS}
    return messages


LETTER_KEYS = {
    "provider": {
        "title", "subject", "greeting", "intro", "intro_bill", "request", "closing", "blank_name",
        "blank_account", "blank_phone", "blank_date", "enclosures", "enclosed",
    },
    "redetermination": {
        "title", "to", "subject", "intro", "field_name", "field_number", "field_claim",
        "field_provider", "field_notice_date", "field_services", "field_why", "why_blank",
        "deadline", "form", "help", "closing", "enclosures", "enclosed", "blank",
    },
}


def _letters(root: Path, problems: list[str]) -> dict[str, Any]:
    relative = "letters.toml"
    data = _load_toml(root / relative, problems)
    for kind, keys in LETTER_KEYS.items():
        for lang in LANGS:
            texts = data.get(kind, {}).get(lang)
            if not isinstance(texts, dict):
                problems.append(f"{relative}: missing [{kind}.{lang}]")
                continue
            _check_keys(f"{relative}: {kind}.{lang}", texts, keys, set(), problems)
    for rule_id, texts in data.get("provider", {}).get("rule", {}).items():
        if set(texts) != set(LANGS):
            problems.append(f"{relative}: provider.rule.{rule_id} needs exactly {list(LANGS)}")
    return data


def load_library(root: Path = CONTENT_DIR) -> Library:
    """Read and validate every content file; raise ContentError listing every problem."""
    problems: list[str] = []
    codes: dict[tuple[CodeSystem, str], CodeEntry] = {}
    for system, stem in CODE_FILES.items():
        seen: set[str] = set()
        for path in _code_files(root, stem):
            relative = str(path.relative_to(root))
            for entry in _code_entries(system, relative, root, problems, seen):
                codes[(system, entry.id)] = entry
    library = Library(
        codes=codes,
        procedures=_procedures(root, problems),
        sequestration=_sequestration(root, problems),
        findings=_findings(root, problems),
        messages=_messages(root, problems),
        letters=_letters(root, problems),
    )
    if problems:
        raise ContentError(problems)
    return library


@cache
def library() -> Library:
    """The content, loaded once per process."""
    return load_library()
