"""Amounts and reasons of a FHIR ExplanationOfBenefit, by coding system + code.

The mapping is data (content/downloads/fhir.toml): which category coding means billed,
allowed, paid, paid to whom, deductible, coinsurance, copay, non-covered or member
liability. A Blue Button variable URL (or IDR column name) beside a generic category wins
over it, because Blue Button files put some amounts under a generic category that is wrong
for them (corpus README, fhir/: B01's `total`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from ..content import CONTENT_DIR
from ..errors import ContentError
from ..model import Adjustment, Group
from ..values import CENT, MAX_AMOUNT

FIELDS = frozenset(
    {
        "billed",
        "allowed",
        "paid",
        "paid_to_provider",
        "paid_to_patient",
        "deductible",
        "coinsurance",
        "copay",
        "noncovered",
        "patient_owes",
        "ignore",
    }
)
PATIENT_SHARE = {"deductible": "1", "coinsurance": "2", "copay": "3"}
"""CARC 1, 2 and 3 under group PR: how a remit names these cost-shares (FACTS.md §2-3)."""

_JAVA_OPTIONAL = re.compile(r"^Optional\[(.*)\]$", re.IGNORECASE)
_COMBINED = re.compile(r"^(CO|PR|OA|PI|CR)[ -]?([A-Z]?\d{1,3}|[A-Z]\d?)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FhirMapping:
    generic: Mapping[tuple[str, str], str]
    specific: Mapping[tuple[str, str], str]
    carc: frozenset[str]
    rarc: frozenset[str]
    group: frozenset[str]
    combined: frozenset[str]
    procedure: frozenset[str]
    revenue: frozenset[str]


@cache
def mapping() -> FhirMapping:
    """content/downloads/fhir.toml, checked: every field named must be one we know."""
    path = CONTENT_DIR / "downloads" / "fhir.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    problems: list[str] = []

    def table(part: str) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for system, codes in data.get(part, {}).items():
            for code, meaning in codes.items():
                if meaning not in FIELDS:
                    problems.append(
                        f"downloads/fhir.toml [{part}] {code}: unknown field {meaning!r}"
                    )
                found[(system, code)] = meaning
        return found

    generic, specific = table("generic"), table("specific")
    if problems:
        raise ContentError(problems)
    reasons, procedure = data.get("reasons", {}), data.get("procedure", {})
    return FhirMapping(
        generic=generic,
        specific=specific,
        carc=frozenset(reasons.get("carc", ())),
        rarc=frozenset(reasons.get("rarc", ())),
        group=frozenset(reasons.get("group", ())),
        combined=frozenset(reasons.get("combined", ())),
        procedure=frozenset(procedure.get("systems", ())),
        revenue=frozenset(procedure.get("revenue", ())),
    )


@dataclass(frozen=True, slots=True)
class Coding:
    """A FHIR Coding with text fields only ('' where absent or not text)."""

    system: str
    code: str
    display: str


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def as_list(value: Any) -> list[Any]:
    """A JSON array, or [] for anything else (hostile files put numbers where lists go)."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def codings(concept: Any) -> list[Coding]:
    """The codings of a CodeableConcept (or of a bare Coding), skipping malformed ones."""
    if not isinstance(concept, dict):
        return []
    found = concept.get("coding")
    raw = found if isinstance(found, list) else ([concept] if "code" in concept else [])
    return [
        Coding(
            _text(c.get("system")), _text(c.get("code")).strip(), _text(c.get("display")).strip()
        )
        for c in raw
        if isinstance(c, dict)
    ]


def money(value: Any) -> Decimal | None:
    """A FHIR Money's value as Decimal cents; None for absent, placeholder or absurd values."""
    if not isinstance(value, dict):
        return None
    number = value.get("value")
    if isinstance(number, bool) or not isinstance(number, (int, float, str)):
        return None
    try:
        # str() of the float json gave us: the shortest repr, i.e. the digits in the file.
        amount = Decimal(str(number))
    except InvalidOperation:
        return None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        return None
    return amount.quantize(CENT)


def meaning(category: Any) -> tuple[str | None, str]:
    """What an amount's category says it is, and the coding that said it (for warnings)."""
    table = mapping()
    generic: tuple[str | None, str] = (None, "")
    for coding in codings(category):
        key = (coding.system, coding.code)
        if key in table.specific:
            return table.specific[key], key[1]
        if key in table.generic and generic[0] is None:
            generic = (table.generic[key], key[1])
        elif generic[0] is None and not generic[1]:
            generic = (None, key[1])
    return generic


@dataclass(slots=True)
class Amounts:
    """Amounts of one item (or of a claim's totals), by our field names."""

    values: dict[str, Decimal] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    """Category codes with an amount we have no meaning for (reported, never guessed)."""
    reasons: list[Adjustment] = field(default_factory=list)
    reason_codes: list[str] = field(default_factory=list)
    """Reasons given without an amount ('CO-120'), and remark codes."""
    remarks: list[str] = field(default_factory=list)

    def get(self, name: str) -> Decimal | None:
        return self.values.get(name)

    @property
    def any_money(self) -> bool:
        return bool(self.values)


def _reason(adjudication: dict[str, Any], amounts: Amounts) -> None:
    table = mapping()
    group: str | None = None
    carc: str | None = None
    for coding in codings(adjudication.get("reason")):
        system, code = coding.system, coding.code
        if system in table.combined:
            match = _COMBINED.match(code)
            if match:
                group, carc = match.group(1).upper(), match.group(2).upper()
        elif system in table.group:
            group = code.upper()
        elif system in table.carc:
            # Blue Button's IDR model (BFD v3) has put the group code under the CARC system
            # too, beside the reason, and once printed the reason as 'Optional[45]'.
            code = _JAVA_OPTIONAL.sub(r"\1", code).upper()
            if code in Group.__members__:
                group = code
            elif code and code != "OPTIONAL.EMPTY":
                carc = code
        elif system in table.rarc and code:
            amounts.remarks.append(code.upper())
    if carc is None:
        return
    amount = money(adjudication.get("amount"))
    if group is not None and group in Group.__members__ and amount is not None:
        amounts.reasons.append(Adjustment(Group(group), carc, amount))
    else:
        amounts.reason_codes.append(f"{group}-{carc}" if group else f"CARC {carc}")


def read_amounts(adjudications: Iterable[Any]) -> Amounts:
    """Each adjudication by its category; the first amount of each field wins."""
    amounts = Amounts()
    for adjudication in adjudications if isinstance(adjudications, (list, tuple)) else []:
        if not isinstance(adjudication, dict):
            continue
        if "reason" in adjudication:
            _reason(adjudication, amounts)
        amount = money(adjudication.get("amount"))
        if amount is None:
            continue
        field_name, code = meaning(adjudication.get("category"))
        if field_name is None:
            if amount:
                amounts.unknown.append(code or "?")
        elif field_name != "ignore":
            amounts.values.setdefault(field_name, amount)
    return amounts


def financial(balances: Any) -> Iterable[dict[str, Any]]:
    """benefitBalance[].financial[] as adjudication-like rows (type → category, usedMoney)."""
    for balance in as_list(balances):
        if not isinstance(balance, dict):
            continue
        for row in as_list(balance.get("financial")):
            if isinstance(row, dict) and isinstance(row.get("usedMoney"), dict):
                yield {"category": row.get("type"), "amount": row["usedMoney"]}


def patient_share(amounts: Amounts) -> tuple[Adjustment, ...]:
    """Deductible, coinsurance and copay as PR 1/2/3, the non-zero ones, plus CARC reasons."""
    shares = [
        Adjustment(Group.PR, reason, amount)
        for name, reason in PATIENT_SHARE.items()
        if (amount := amounts.get(name))
    ]
    return (*shares, *amounts.reasons)
