"""Medicare.gov claims text download → a claims-download Document (Original Medicare).

What the file's fields mean is decided per file, by arithmetic, and said in the warnings:

- line "Non-Covered": in the 2013 file it is charged − allowed (the part Medicare did not
  approve); in the 2025 export it is the person's share on Part B lines (the 20% coinsurance,
  or all of the approved amount under the deductible), proved when Medicare's payment equals
  (approved − it) × (1 − sequestration rate) line by line — then it is the line's may-owe
  on each claim whose payment proves it. Each claim with a non-zero amount
  votes; if they do not agree, the meaning is unknown and every line is marked
  low-confidence, so findings resting on it are `info` (RULES.md);
- claim "You May be Billed": read as printed, unless it is $0.00 on every claim while
  Medicare's own numbers leave the person a share (the 2025 export): then it is ignored;
- text downloads print no assignment: a claim counts as assigned only when it shows a
  payment to the provider;
- a claim's payment is given for the whole claim. A line gets it when it is the claim's only
  line with an approved amount, or when per-line arithmetic ((allowed − the person's share,
  else − 20%) × (1 − sequestration rate), each rounded) adds up to the claim's payment
  within a cent a line.
Part D claims carry no amounts; demographic and other sections are never read (reader).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache

from ..content import CONTENT_DIR, library
from ..errors import UnsupportedDocument
from ..model import Claim, Coverage, Document, DocumentKind, Format, ServiceLine, UncheckedRow
from ..read.bluebutton_text import TextClaim, TextDownload, TextField, read_claims_text
from ..sequestration import rate_on
from ..values import CENT, cents, parse_date, parse_money
from .claim_level import whole_claim_only

COINSURANCE = Decimal("0.20")
"""Part B coinsurance after the deductible (FACTS.md §8: the 2025 export's Non-Covered)."""
WRITE_OFF, SHARE, UNKNOWN = "charged − allowed", "your share", "unknown"
PART_A_TYPES = ("inpatient", "snf", "skilled", "hospice", "home health", "hha")
_NUMBER_SUFFIX = re.compile(r"\s+\d+(?=/|$)")
_CODE = re.compile(r"^\s*([A-Z0-9]{2,5})\b(?:\s*-\s*(.*))?$", re.I)


@dataclass(frozen=True, slots=True)
class Labels:
    claim: dict[str, str]
    line: dict[str, str]
    missing: frozenset[str]


@cache
def labels() -> Labels:
    with (CONTENT_DIR / "downloads" / "medicare_text.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return Labels(
        claim=dict(data["claim"]),
        line=dict(data["line"]),
        missing=frozenset(value.lower() for value in data["values"]["missing"]),
    )


def _key(label: str) -> str:
    return _NUMBER_SUFFIX.sub("", label.strip().lower())


@dataclass(slots=True)
class _Fields:
    """One claim's or line's fields by our names; amounts with money kept apart."""

    values: dict[str, str] = field(default_factory=dict)
    where: dict[str, int] = field(default_factory=dict)
    unknown_money: list[TextField] = field(default_factory=list)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or value.strip().lower() in labels().missing:
            return None
        return value.strip()

    def money(self, name: str) -> Decimal | None:
        value = self.text(name)
        return parse_money(value) if value else None

    def day(self, name: str) -> date | None:
        value = self.text(name)
        return parse_date(value) if value else None


def _fields(items: list[TextField], table: dict[str, str]) -> _Fields:
    found = _Fields()
    for item in items:
        name = table.get(_key(item.label))
        if name is None:
            if "$" in item.value and parse_money(item.value) is not None:
                found.unknown_money.append(item)
            continue
        if name == "ignore" or name in found.values:
            continue
        found.values[name] = item.value
        found.where[name] = item.line
    return found


def _code(value: str | None) -> tuple[str | None, str | None]:
    """'98941 - Chiropractic …' → ('98941', 'Chiropractic …'); '~ - NO DESCRIPTION' → None."""
    if not value:
        return None, None
    match = _CODE.match(value)
    if not match:
        return None, value
    return match.group(1).upper(), (match.group(2) or "").strip() or None


@dataclass(slots=True)
class _RawLine:
    fields: _Fields
    line: ServiceLine
    total_row: bool


def _raw_line(items: list[TextField], claim_where: str) -> _RawLine:
    fields = _fields(items, labels().line)
    revenue, revenue_text = _code(fields.text("revenue"))
    code, description = _code(fields.text("procedure"))
    modifiers = tuple(
        found
        for item in items
        if labels().line.get(_key(item.label)) == "modifier"
        and (found := _code(item.value if item.value.lower() not in labels().missing else None)[0])
    )
    number = fields.text("line_number") or "?"
    start, end = fields.day("from"), fields.day("to")
    quantity = fields.text("quantity")
    line = ServiceLine(
        date_of_service=start,
        date_through=end if end and end != start else None,
        procedure_code=code,
        modifiers=modifiers,
        description=description
        or (f"revenue code {revenue} {revenue_text or ''}".strip() if revenue else None),
        billed=fields.money("submitted"),
        allowed=fields.money("allowed"),
        units=Decimal(quantity) if quantity and quantity.isdigit() and len(quantity) <= 6 else None,
        where=f"{claim_where}, line {number} (file line {items[0].line})",
    )
    return _RawLine(fields, line, total_row=revenue == "0001")


@dataclass(slots=True)
class _RawClaim:
    fields: _Fields
    lines: list[_RawLine]
    where: str
    source: TextClaim


def _raw_claim(claim: TextClaim) -> _RawClaim:
    fields = _fields(claim.fields, labels().claim)
    where = f"claim {claim.number or '?'} (file line {claim.line})"
    return _RawClaim(fields, [_raw_line(items, where) for items in claim.lines], where, claim)


def _may_be_billed_ignored(claims: list[_RawClaim]) -> bool:
    """'You May be Billed' is $0.00 on every claim though Medicare left a share to someone."""
    printed = [c.fields.money("may_be_billed") for c in claims]
    printed_known = [value for value in printed if value is not None]
    if not printed_known or any(printed_known):
        return False
    for claim in claims:
        approved, paid = claim.fields.money("approved"), claim.fields.money("provider_paid")
        if (
            approved is not None
            and paid is not None
            and approved - paid > Decimal(len(claim.lines) or 1) * CENT * 3
        ):
            return True
    return False


def _line_payments(
    claim: _RawClaim, meaning: str, rate: Decimal | None
) -> tuple[list[Decimal | None], bool]:
    """Each line's share of the claim's payment, and whether arithmetic split it."""
    paid = claim.fields.money("provider_paid")
    lines = [raw for raw in claim.lines if not raw.total_row]
    payments: list[Decimal | None] = [None] * len(lines)
    with_money = [i for i, raw in enumerate(lines) if raw.line.allowed]
    if paid is None or not with_money:
        return payments, False
    if len(with_money) == 1:
        payments[with_money[0]] = paid
        return payments, False
    if rate is None:
        return payments, False
    priced = [i for i, raw in enumerate(lines) if raw.line.allowed is not None]
    shares = _share_shares(claim, rate) if meaning == SHARE else None
    if shares is None:
        # No share printed that adds up: try the plain 80/20 line, 20% of approved.
        shares = [
            cents((allowed - cents(allowed * COINSURANCE)) * (1 - rate))
            for allowed in (lines[i].line.allowed or Decimal(0) for i in priced)
        ]
        if abs(sum(shares, Decimal(0)) - paid) > CENT * len(shares):
            return payments, False
    for index, share in zip(priced, shares, strict=True):
        payments[index] = share
    return payments, True


def _claim_rate(claim: _RawClaim) -> Decimal | None:
    return rate_on(library().sequestration, claim.fields.day("start"))


def _share_shares(claim: _RawClaim, rate: Decimal | None) -> list[Decimal] | None:
    """Each line's payment if 'Non-Covered' is the person's share (deductible + coinsurance):
    (allowed − non-covered) × (1 − rate), when these add up to the claim's payment."""
    paid = claim.fields.money("provider_paid")
    lines = [raw for raw in claim.lines if not raw.total_row and raw.line.allowed is not None]
    shares_of = [raw.fields.money("noncovered") for raw in lines]
    if paid is None or rate is None or not lines or any(nc is None for nc in shares_of):
        return None
    shares = [
        cents(((raw.line.allowed or Decimal(0)) - (nc or Decimal(0))) * (1 - rate))
        for raw, nc in zip(lines, shares_of, strict=True)
    ]
    return shares if abs(sum(shares, Decimal(0)) - paid) <= CENT * len(shares) else None


def _non_covered_meaning(claims: list[_RawClaim]) -> str:
    """What 'Non-Covered' means in this file. Each claim that prints a non-zero amount votes:
    the person's share when Medicare's payment is approved − it, less the cut, line by line
    (the 2025 export: 20% coinsurance, or the whole approved amount under the deductible);
    charged − approved when every non-zero amount is that (the 2013 file); else unknown."""
    votes: set[str] = set()
    for claim in claims:
        lines = [raw for raw in claim.lines if not raw.total_row]
        if not any(raw.fields.money("noncovered") for raw in lines):
            continue  # nothing to tell the meanings apart
        if _is_part_b(claim) and _share_shares(claim, _claim_rate(claim)) is not None:
            votes.add(SHARE)
            continue
        written_off = [
            raw.line.billed is not None
            and raw.line.allowed is not None
            and abs(noncovered - (raw.line.billed - raw.line.allowed)) <= CENT
            for raw in lines
            if (noncovered := raw.fields.money("noncovered"))
        ]
        votes.add(WRITE_OFF if all(written_off) else UNKNOWN)
    return votes.pop() if len(votes) == 1 else UNKNOWN


def _is_part_b(claim: _RawClaim) -> bool:
    kind = (claim.fields.text("claim_type") or "").lower().replace(" ", "")
    return kind == "partb"


def _is_part_a(claim: _RawClaim) -> bool:
    kind = (claim.fields.text("claim_type") or "").lower()
    return any(word in kind for word in PART_A_TYPES)


def _is_part_d(claim: _RawClaim) -> bool:
    return claim.source.drug or "part d" in (claim.fields.text("claim_type") or "").lower()


def _claim(raw: _RawClaim, meaning: str, trust_may_bill: bool, split_claims: list[str]) -> Claim:
    fields = raw.fields
    start = fields.day("start")
    rate = rate_on(library().sequestration, start)
    paid = fields.money("provider_paid")
    may_bill = fields.money("may_be_billed") if trust_may_bill else None
    lines = [r for r in raw.lines if not r.total_row]
    payments, split = (
        _line_payments(raw, meaning, rate) if not _is_part_a(raw) else ([None] * len(lines), False)
    )
    if split:
        split_claims.append(raw.source.number or raw.where)
    money_lines = [i for i, r in enumerate(lines) if r.line.allowed]
    # 'Non-Covered' is the person's share on this claim when its payment proves it.
    share_proved = meaning == SHARE and _is_part_b(raw) and _share_shares(raw, rate) is not None
    built: list[ServiceLine] = []
    for index, raw_line in enumerate(lines):
        line = raw_line.line
        noncovered = raw_line.fields.money("noncovered")
        owes = may_bill if may_bill is not None and money_lines == [index] else None
        if share_proved and line.allowed is not None:
            owes = noncovered
        built.append(
            replace(
                line,
                date_of_service=line.date_of_service or start,
                paid=payments[index],
                patient_owes=owes,
                not_covered=noncovered if meaning == WRITE_OFF else None,
                low_confidence=meaning == UNKNOWN and noncovered is not None,
            )
        )
    provider = fields.text("provider") or fields.text("pharmacy")
    if _is_part_d(raw) and not lines:
        name = fields.text("drug_name")
        built.append(
            ServiceLine(
                date_of_service=start,
                description=f"drug: {name}" if name else "drug",
                where=f"{raw.where}, drug",
            )
        )
    return Claim(
        claim_number=raw.source.number,
        provider=provider,
        provider_address=fields.text("provider_address"),
        lines=tuple(built),
        assigned=True if paid and paid > 0 else None,
        billed=fields.money("charged"),
        paid=paid,
        patient_owes=may_bill,
        where=raw.where,
        coverage=Coverage.MEDICARE_PART_D if _is_part_d(raw) else Coverage.ORIGINAL_MEDICARE,
        date_from=start,
        date_through=fields.day("end"),
    )


def _unchecked(raw: _RawClaim) -> list[UncheckedRow]:
    rows = [
        UncheckedRow(f"{raw.where}, file line {item.line}", f"{item.label}: {item.value}")
        for item in raw.fields.unknown_money
    ]
    for raw_line in raw.lines:
        rows += [
            UncheckedRow(f"{raw_line.line.where}", f"{item.label}: {item.value}")
            for item in raw_line.fields.unknown_money
        ]
        if raw_line.total_row:
            parts = [r.line.billed for r in raw.lines if not r.total_row]
            total = raw_line.line.billed
            if total is not None and None not in parts and sum(p or 0 for p in parts) != total:
                rows.append(UncheckedRow(raw_line.line.where, f"Total Charges: {total}"))
    return rows


def _meaning_warnings(download: TextDownload, meaning: str, trust_may_bill: bool) -> list[str]:
    said = {
        WRITE_OFF: "'Non-Covered' on the lines is the charge minus the approved amount "
        "(what Medicare did not approve), by the file's own numbers.",
        SHARE: "'Non-Covered' on the lines is your share (deductible and coinsurance): "
        "Medicare's payment is the approved amount minus it, less the sequestration cut, on "
        "every claim that shows one.",
        UNKNOWN: "We could not tell what 'Non-Covered' means in this file: checks that rest "
        "on the lines are given as information only.",
    }
    notes = [said[meaning]]
    if not trust_may_bill:
        notes.append(
            "'You May be Billed' shows $0.00 on every claim although Medicare's numbers leave "
            "you a share: we did not use it. What you may owe is worked out from the approved "
            "amount and Medicare's payment."
        )
    notes.append(
        "The download does not say whether the provider took assignment: we count a claim "
        "as assigned only when Medicare paid the provider."
    )
    return notes


def extract_claims_text(text: str, source: str) -> Document:
    """Every claim of a Medicare.gov text download as one claims-download Document."""
    download = read_claims_text(text)
    if not download.claims:
        raise UnsupportedDocument(
            f"“{source}” is a Medicare.gov download without any claims. When you download, "
            "please choose your claims (for example the last 12 months).",
            source=source,
        )
    raws = [_raw_claim(claim) for claim in download.claims]
    meaning = _non_covered_meaning(raws)
    trust_may_bill = not _may_be_billed_ignored(raws)
    warnings = _meaning_warnings(download, meaning, trust_may_bill)
    split_claims: list[str] = []
    claims = [_claim(raw, meaning, trust_may_bill, split_claims) for raw in raws]
    if split_claims:
        # Once for the file: claims whose payment is for the whole claim are unchecked rows.
        warnings.append(
            f"On {len(split_claims)} claim(s) Medicare's payment is given for the whole claim: "
            "we worked out each line's part from it, and the sum agrees to the cent."
        )
    unchecked = [row for raw in raws for row in _unchecked(raw)]
    unchecked += [row for claim in claims if (row := whole_claim_only(claim))]
    return Document(
        source=source,
        kind=DocumentKind.CLAIMS_DOWNLOAD,
        format=Format.TEXT,
        coverage=Coverage.ORIGINAL_MEDICARE,
        payer="Medicare",
        claims=tuple(claims),
        warnings=tuple(warnings),
        unchecked=tuple(unchecked),
    )
