"""FHIR ExplanationOfBenefit (Blue Button 2.0, CARIN Blue Button) → a claims-download Document.

One Claim per EOB, one ServiceLine per item. Amounts come by category (extract/fhir_amounts.py
and content/downloads/fhir.toml). What we read and why we skip the rest:

- claim number: the 'uc' (unique claim id) identifier; provider: a display, else the
  contained or included Organization/Practitioner it references (an NPI alone is no name:
  comparing it with a bill's name would raise a false provider-mismatch);
- dates: item serviced[Date|Period], else the claim's billablePeriod. `created` is when the
  resource was generated, not the claim (and holds "IGNORED_FIELD" in some fixtures): unused;
- assignment: Blue Button extension `asgmntcd` (A = assigned), else `carr_clm_pmt_dnl_cd`
  (1 paid the provider, 2 the beneficiary), else supportingInfo
  CLM_MDCR_PRFNL_PRVDR_ASGNMT_SW (its display), else CARIN `payee.type` (provider = benefits
  assigned to the provider);
- coverage: Original Medicare for Blue Button Parts A/B/DME, Part D for PDE; for CARIN only
  what the Coverage resource says, else unknown.
Diagnoses, care-team roles, supportingInfo other than assignment, `payment`, and
benefitBalance rows other than the carrier's claim amounts are not billing amounts: unused.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from ..model import Claim, Coverage, Document, DocumentKind, Format, ServiceLine
from ..read.fhir import FhirResources, Resource, read_fhir
from .claim_level import whole_claim_only
from .fhir_amounts import (
    Amounts,
    as_dict,
    as_list,
    codings,
    financial,
    mapping,
    patient_share,
    read_amounts,
)

MAX_UNITS = Decimal(1_000_000)
MAX_WARNINGS = 20
"""Reasons without amounts, one per line, shown before '… and N more'."""
HCPCS = re.compile(r"^(?:[A-Z]\d{4}|\d{4}[0-9A-Z])$")
BLUE_BUTTON = re.compile(r"^https://bluebutton\.cms\.gov/")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
ASSIGNMENT_URL = "https://bluebutton.cms.gov/resources/variables/asgmntcd"
PAYMENT_TO_URL = "https://bluebutton.cms.gov/resources/variables/carr_clm_pmt_dnl_cd"
ASSIGNMENT_INFO = "CLM_MDCR_PRFNL_PRVDR_ASGNMT_SW"
PART_D_TYPES = {"PDE", "pharmacy"}
SUPPLIER_TYPES = {"DME"}
NON_FINANCIAL = (
    "This file gives no amounts (the plan's non-financial version of your claims): we can "
    "show the services, but we cannot check a bill's amounts against it."
)


def _day(value: Any) -> date | None:
    """A FHIR date or dateTime; None for placeholders like 'IGNORED_FIELD'."""
    match = _DAY.match(value) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _period(
    resource: dict[str, Any], date_key: str, period_key: str
) -> tuple[date | None, date | None]:
    single = _day(resource.get(date_key))
    if single:
        return single, single
    period = resource.get(period_key)
    if isinstance(period, dict):
        return _day(period.get("start")), _day(period.get("end"))
    return None, None


def _is_blue_button(eob: Resource) -> bool:
    systems = [
        str(i.get("system", "")) for i in as_list(eob.get("identifier")) if isinstance(i, dict)
    ]
    systems += [c.system for c in codings(eob.get("type"))]
    return any(BLUE_BUTTON.match(system) for system in systems)


def _type_codes(eob: Resource) -> set[str]:
    return {c.code for c in codings(eob.get("type"))}


def _name(resource: Resource | None) -> str | None:
    if not resource:
        return None
    name = resource.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    if isinstance(name, list) and name and isinstance(name[0], dict):
        first = name[0]
        if isinstance(first.get("text"), str):
            return str(first["text"])
        parts = [
            *(as_list(first.get("prefix"))),
            *(as_list(first.get("given"))),
            first.get("family"),
        ]
        words = " ".join(str(part) for part in parts if isinstance(part, str) and part)
        return words or None
    return None


def _party(found: FhirResources, eob: Resource, ref: Any) -> str | None:
    if not isinstance(ref, dict):
        return None
    reference = ref.get("reference")
    named = _name(found.resolve(reference, eob)) if isinstance(reference, str) else None
    display = ref.get("display")
    return named or (display.strip() if isinstance(display, str) and display.strip() else None)


def _provider(found: FhirResources, eob: Resource) -> str | None:
    named = _party(found, eob, eob.get("provider"))
    if named:
        return named
    for member in as_list(eob.get("careTeam")):
        if isinstance(member, dict):
            roles = {c.code for c in codings(member.get("role"))}
            if roles & {"rendering", "performing", "primary"}:
                named = _party(found, eob, member.get("provider"))
                if named:
                    return named
    return None


def _claim_number(eob: Resource) -> str | None:
    identifiers = [i for i in as_list(eob.get("identifier")) if isinstance(i, dict)]
    for identifier in identifiers:
        unique = any(c.code == "uc" for c in codings(identifier.get("type")))
        if unique and isinstance(identifier.get("value"), str):
            return str(identifier["value"])
    for identifier in identifiers:
        if isinstance(identifier.get("value"), str):
            return str(identifier["value"])
    return str(eob["id"]) if isinstance(eob.get("id"), str) else None


def _extension_code(eob: Resource, url: str) -> str | None:
    for extension in as_list(eob.get("extension")):
        if isinstance(extension, dict) and extension.get("url") == url:
            return next((c.code for c in codings(extension.get("valueCoding"))), None)
    return None


def _assigned(eob: Resource) -> bool | None:
    code = _extension_code(eob, ASSIGNMENT_URL)
    if code is not None:
        return code == "A"
    paid_to = _extension_code(eob, PAYMENT_TO_URL)
    if paid_to in {"1", "2"}:
        return paid_to == "1"
    for info in as_list(eob.get("supportingInfo")):
        if not isinstance(info, dict):
            continue
        if any(c.code == ASSIGNMENT_INFO for c in codings(info.get("category"))):
            for coding in codings(info.get("code")):
                display = coding.display.lower()
                if re.search(r"\b(not|non|un)[- ]?assigned\b", display):
                    return False
                if "assigned" in display:
                    return True
    payee = {c.code for c in codings(as_dict(eob.get("payee")).get("type"))}
    if "provider" in payee:
        return True
    if payee & {"subscriber", "beneficiary"}:
        return False
    return None


def _coverage(found: FhirResources, eob: Resource, blue_button: bool) -> Coverage:
    if blue_button:
        return (
            Coverage.MEDICARE_PART_D
            if _type_codes(eob) & PART_D_TYPES
            else Coverage.ORIGINAL_MEDICARE
        )
    told: list[str] = []
    for insurance in as_list(eob.get("insurance")):
        if not isinstance(insurance, dict):
            continue
        coverage = found.resolve(str(as_dict(insurance.get("coverage")).get("reference", "")), eob)
        if coverage:
            told += [c.display for c in codings(coverage.get("type"))]
            told += [
                str(cls.get("name", ""))
                for cls in as_list(coverage.get("class"))
                if isinstance(cls, dict)
            ]
    words = " ".join(told).lower()
    if "medicaid" in words:
        return Coverage.MEDICAID
    if "medicare" in words and re.search(r"advantage|\bhmo\b|\bppo\b|part c", words):
        return Coverage.MEDICARE_ADVANTAGE
    if re.search(r"\bpdp\b|part d", words):
        return Coverage.MEDICARE_PART_D
    return Coverage.UNKNOWN


def _procedure(item: Resource) -> tuple[str | None, str | None]:
    """(CPT/HCPCS/CDT code, description): revenue center or drug when there is no code."""
    table = mapping()
    description = None
    for coding in codings(item.get("productOrService")):
        if coding.system in table.procedure and coding.code:
            return coding.code.upper(), coding.display or None
        description = description or coding.display or None
        if not description and "ndc" in coding.system and coding.code:
            description = f"drug (NDC {coding.code})"
    for coding in codings(item.get("revenue")):
        if coding.system in table.revenue and coding.code:
            description = description or f"revenue code {coding.code} {coding.display}".strip()
    return None, description


def _modifier_codes(item: Resource) -> list[str]:
    codes = []
    for modifier in as_list(item.get("modifier")):
        for coding in codings(modifier):
            if coding.system in mapping().procedure and coding.code:
                codes.append(coding.code.upper())
    return codes


def _modifiers(item: Resource) -> tuple[str, ...]:
    """Two-character modifiers; a five-character HCPCS code under `modifier` (Blue Button v2
    outpatient revenue lines put the line's HCPCS there) is the procedure, not a modifier."""
    return tuple(code for code in _modifier_codes(item) if len(code) <= 2)


def _hcpcs_in_modifier(item: Resource) -> str | None:
    return next((code for code in _modifier_codes(item) if HCPCS.match(code)), None)


def _paid(amounts: Amounts) -> Decimal | None:
    paid = amounts.get("paid")
    if paid is not None:
        return paid
    parts = [amounts.get("paid_to_provider"), amounts.get("paid_to_patient")]
    known = [part for part in parts if part is not None]
    return sum(known, Decimal(0)) if known else None


def _quantity(item: Resource) -> Decimal | None:
    value = as_dict(item.get("quantity")).get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    units = Decimal(str(value))
    return units if units.is_finite() and abs(units) < MAX_UNITS else None


def _line(
    item: Resource, number: int, claim_dates: tuple[date | None, date | None]
) -> tuple[ServiceLine, Amounts]:
    amounts = read_amounts(as_list(item.get("adjudication")))
    start, end = _period(item, "servicedDate", "servicedPeriod")
    if start is None:
        start, end = claim_dates
    code, description = _procedure(item)
    code = code or _hcpcs_in_modifier(item)
    sequence = item.get("sequence") if isinstance(item.get("sequence"), int) else number
    line = ServiceLine(
        date_of_service=start,
        date_through=end if end and end != start else None,
        procedure_code=code,
        modifiers=_modifiers(item),
        description=description if isinstance(description, str) else None,
        billed=amounts.get("billed"),
        allowed=amounts.get("allowed"),
        paid=_paid(amounts),
        patient_owes=amounts.get("patient_owes"),
        adjustments=patient_share(amounts),
        remarks=tuple(amounts.remarks),
        units=_quantity(item),
        not_covered=amounts.get("noncovered"),
        where=f"item {sequence}",
    )
    return line, amounts


def _claim(
    found: FhirResources, eob: Resource, index: int, warnings: list[str], unused: set[str]
) -> tuple[Claim, bool]:
    blue_button = _is_blue_button(eob)
    number = _claim_number(eob)
    where = f"claim {number or index}"
    dates = _period(eob, "", "billablePeriod")
    lines: list[ServiceLine] = []
    money = False
    unknown: set[str] = set()
    for position, item in enumerate(as_list(eob.get("item")), start=1):
        if not isinstance(item, dict):
            continue
        line, amounts = _line(item, position, dates)
        lines.append(replace(line, where=f"{where}, {line.where}"))
        money = money or amounts.any_money
        unknown.update(amounts.unknown)
        for code in amounts.reason_codes:
            warnings.append(f"{where}, {line.where}: reason {code} is given without an amount.")
    # benefitBalance first: a Blue Button carrier `total` may mislabel the charge (B01).
    totals = read_amounts([*financial(eob.get("benefitBalance")), *(as_list(eob.get("total")))])
    header = read_amounts(as_list(eob.get("adjudication")))
    money = money or totals.any_money
    unused.update(unknown)
    paid = _paid(totals)
    if paid is None and lines and all(line.paid is not None for line in lines):
        paid = sum((line.paid or Decimal(0) for line in lines), Decimal(0))
    claim = Claim(
        claim_number=number,
        provider=_provider(found, eob),
        lines=tuple(lines),
        adjustments=tuple(header.reasons),
        remarks=tuple(header.remarks),
        assigned=_assigned(eob),
        billed=totals.get("billed"),
        paid=paid,
        patient_owes=totals.get("patient_owes"),
        is_supplier=bool(_type_codes(eob) & SUPPLIER_TYPES),
        where=where,
        coverage=_coverage(found, eob, blue_button),
        date_from=dates[0],
        date_through=dates[1],
    )
    return claim, money


def _payer(found: FhirResources, eob: Resource) -> str | None:
    if _is_blue_button(eob):
        return "Medicare"
    return _party(found, eob, eob.get("insurer"))


def extract_fhir(data: bytes, source: str) -> Document:
    """Every EOB of a FHIR upload as one claims-download Document."""
    found = read_fhir(data, source)
    warnings: list[str] = []
    unused: set[str] = set()
    claims: list[Claim] = []
    any_money = False
    for index, eob in enumerate(found.eobs, start=1):
        if eob.get("status") == "entered-in-error":
            warnings.append(f"Claim {_claim_number(eob) or index} was entered in error: skipped.")
            continue
        claim, money = _claim(found, eob, index, warnings, unused)
        claims.append(claim)
        any_money = any_money or money
    if len(warnings) > MAX_WARNINGS:
        left = len(warnings) - MAX_WARNINGS
        warnings = [*warnings[:MAX_WARNINGS], f"… and {left} more like these."]
    if unused:
        # Named once for the file: a year of claims would repeat them on every claim.
        warnings.append(
            "Amounts we do not use (no patient cost in them that we know of): "
            + ", ".join(sorted(unused))
            + "."
        )
    if claims and not any_money:
        warnings.insert(0, NON_FINANCIAL)
    unchecked = tuple(row for claim in claims if (row := whole_claim_only(claim)))
    coverages = {claim.coverage for claim in claims}
    first = found.eobs[0]
    return Document(
        source=source,
        kind=DocumentKind.CLAIMS_DOWNLOAD,
        format=Format.FHIR,
        coverage=coverages.pop() if len(coverages) == 1 else Coverage.UNKNOWN,
        payer=_payer(found, first),
        claims=tuple(claims),
        warnings=tuple(warnings),
        unchecked=unchecked,
    )
