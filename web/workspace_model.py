"""The 835 workspace as data: one compact row per claim, findings grouped by rule, and the
query-string search, filter, sort and paging over the rows.

Built once at upload (`build_workspace`), sealed into the vault in two parts, and read
back on every page. Reading back must be quick for 5,000 claims (0.3 s a page), so:

- the index (`Workspace`) holds one named tuple per claim of ints and strings: amounts as
  whole cents and dates as day numbers, which unpickle five times faster than Decimal/date;
- the claims (`ClaimStore`) are each their own small pickle, sealed apart: a list page never
  opens them, a claim's detail, sheet or CSV lines open only the ones asked for.
"""

from __future__ import annotations

import io
import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Any, NamedTuple

from explainer.model import (
    Adjustment,
    Claim,
    CodeExplanation,
    Document,
    DocumentKind,
    Explanation,
    ServiceLine,
)
from explainer.remittance import (
    STATUS_REVERSAL,
    RemittanceSummary,
    claim_sequestration,
    is_denied,
    sequestration_by_month,
    summarize_remittance,
)

PER_PAGE = 50
MAX_QUERY_CHARS = 60
SHOWS = ("all", "denied", "reversed", "owes", "co253")
SORTS = ("claim", "patient", "date", "status", "billed", "paid", "owes", "co253")
ZERO = Decimal("0")
HUNDRED = Decimal(100)
PLACE_CLAIM = re.compile(r"^claim (?P<claim>.+?)(?: \(no\. \d+ in this payment\))?(?:, line \d+)?$")


Cents = int | Decimal | None
"""Money in a row: whole cents as an int; a Decimal only if it has fractions of a cent."""


def to_cents(value: Decimal | None) -> Cents:
    if value is None:
        return None
    cents = value * HUNDRED
    return int(cents) if cents == cents.to_integral_value() else value


def from_cents(value: Cents) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(value) / HUNDRED


class ClaimRow(NamedTuple):
    """One claim as the table shows, searches and sorts it."""

    number: int
    """1-based across the workspace: its address in /workspace/claims/<number>."""
    payment: int
    claim_number: str
    patient: str
    initials: str
    day_number: int
    """The first date of service as date.toordinal(); 0 when the claim shows none."""
    status: str
    denied: bool
    reversal: bool
    billed_cents: Cents
    paid_cents: Cents
    owes_cents: Cents
    sequestration_cents: Cents
    codes: str
    haystack: str
    """What a search looks in, case-folded: patient, claim number, dates, codes."""
    where: str
    """The claim's place as the engine names it in evidence ('claim 7 (no. 2 in this payment)')."""

    @property
    def day(self) -> date | None:
        return date.fromordinal(self.day_number) if self.day_number else None

    @property
    def billed(self) -> Decimal | None:
        return from_cents(self.billed_cents)

    @property
    def paid(self) -> Decimal | None:
        return from_cents(self.paid_cents)

    @property
    def patient_owes(self) -> Decimal | None:
        return from_cents(self.owes_cents)

    @property
    def sequestration(self) -> Decimal:
        return from_cents(self.sequestration_cents) or ZERO


@dataclass(frozen=True, slots=True)
class PaymentHead:
    """One 835 payment: its summary, and the document without its claims (for the sheets)."""

    number: int
    summary: RemittanceSummary
    document: Document


class FindingItem(NamedTuple):
    """One finding inside its rule's group: where, what the file says, and which claim."""

    place: str
    says: str
    claim_number: str
    claim_where: str
    """The place without its line: equal to the ClaimRow.where of the claim it is about."""


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """Every finding of one rule, for the practice: a count and the places."""

    rule: str
    severity: str
    title: str
    """The engine's title of the first finding: shown only for rules we have no words for."""
    count: int
    items: tuple[FindingItem, ...]


ClaimStore = tuple[bytes, ...]
"""Each claim pickled on its own, in row order (row `number` is at number - 1)."""


def claim_in(store: ClaimStore, number: int) -> Claim:
    """The full claim of row `number` (1-based)."""
    value = pickle.loads(store[number - 1])
    assert isinstance(value, Claim)
    return value


@dataclass(frozen=True, slots=True)
class Workspace:
    """Everything the list pages show, as sealed in the vault (the claims are sealed apart)."""

    lang: str
    payments: tuple[PaymentHead, ...]
    rows: tuple[ClaimRow, ...]
    months: tuple[tuple[str, Decimal], ...]
    findings: tuple[FindingGroup, ...]
    codes: tuple[CodeExplanation, ...]
    held_until: float
    """When the vault drops it (the clock's seconds): the pages say how long is left."""

    def row(self, number: int) -> ClaimRow | None:
        return self.rows[number - 1] if 1 <= number <= len(self.rows) else None


def is_workspace(explanation: Explanation) -> bool:
    """An upload of 835 files only opens as a workspace; mixed papers get the results page."""
    documents = explanation.documents
    return bool(documents) and all(d.kind is DocumentKind.ERA835 for d in documents)


def initials(name: str | None) -> str:
    """'JANE Q DOE' → 'J.Q.D.': enough for the front desk to find the chart, not a name."""
    if not name:
        return ""
    return "".join(f"{part[0]}." for part in name.split() if part[:1].isalnum())


def _first_day(claim: Claim) -> date | None:
    days = [line.date_of_service for line in claim.lines if line.date_of_service]
    return min(days) if days else claim.date_from


def _codes(claim: Claim) -> list[str]:
    """Procedure, adjustment (CO-253) and remark codes on the claim, once each."""
    found: list[str] = []
    for adjustment in claim.adjustments:
        found.append(f"{adjustment.group.value}-{adjustment.reason}")
    found += claim.remarks
    for line in claim.lines:
        if line.procedure_code:
            found.append(line.procedure_code)
        found += [f"{a.group.value}-{a.reason}" for a in line.adjustments]
        found += line.remarks
    return list(dict.fromkeys(found))


def _row(number: int, payment: int, claim: Claim) -> ClaimRow:
    day = _first_day(claim)
    codes = _codes(claim)
    words = [
        claim.patient_name or "",
        claim.claim_number or "",
        *codes,
        *(c.replace("-", " ") for c in codes if "-" in c),
    ]
    if day:
        words += [day.isoformat(), day.strftime("%m/%d/%Y")]
    return ClaimRow(
        number=number,
        payment=payment,
        claim_number=claim.claim_number or "",
        patient=claim.patient_name or "",
        initials=initials(claim.patient_name),
        day_number=day.toordinal() if day else 0,
        status=claim.status or "",
        denied=is_denied(claim),
        reversal=claim.status == STATUS_REVERSAL,
        billed_cents=to_cents(claim.billed),
        paid_cents=to_cents(claim.paid),
        owes_cents=to_cents(claim.patient_owes),
        sequestration_cents=to_cents(claim_sequestration(claim)),
        codes=" ".join(codes),
        haystack=" ".join(words).casefold(),
        where=claim.where,
    )


def _reducer(cls: type) -> Callable[[object], tuple[type, tuple[object, ...]]]:
    """Pickle a dataclass as its constructor's arguments, read in C by attrgetter."""
    names = [field.name for field in fields(cls)]
    get = attrgetter(*names)
    return lambda value: (cls, get(value))


# The default pickling of slots dataclasses calls dataclasses.fields() for every object:
# ten times slower than this table on a 5,000-claim file (the upload's budget is 2 s).
PICKLE_TABLE = {cls: _reducer(cls) for cls in (Claim, ServiceLine, Adjustment)}


def pack_claim(claim: Claim) -> bytes:
    """One claim as bytes, for `Workspace.claims`."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = PICKLE_TABLE  # type: ignore[assignment]
    pickler.dump(claim)
    return buffer.getvalue()


def _group_findings(explanation: Explanation) -> tuple[FindingGroup, ...]:
    """The findings by rule, in the engine's order (most important first)."""
    groups: dict[str, list[FindingItem]] = {}
    first: dict[str, tuple[str, str]] = {}
    for finding in explanation.findings:
        first.setdefault(finding.rule, (finding.severity.value, finding.title))
        items = groups.setdefault(finding.rule, [])
        evidence = finding.evidence[:1]
        for item in evidence:
            place = item.where.strip()
            match = PLACE_CLAIM.match(place)
            claim_where = place.split(", line ")[0] if place.startswith("claim ") else ""
            items.append(
                FindingItem(place, item.says, match["claim"] if match else "", claim_where)
            )
        if not evidence:
            items.append(FindingItem("", "", "", ""))
    return tuple(
        FindingGroup(rule, first[rule][0], first[rule][1], len(items), tuple(items))
        for rule, items in groups.items()
    )


def build_workspace(explanation: Explanation, held_until: float) -> tuple[Workspace, ClaimStore]:
    """The workspace of an explanation whose papers are all 835s, and its claims."""
    payments: list[PaymentHead] = []
    rows: list[ClaimRow] = []
    claims: list[bytes] = []
    eras = [d for d in explanation.documents if d.kind is DocumentKind.ERA835]
    for payment, document in enumerate(eras, start=1):
        payments.append(
            PaymentHead(payment, summarize_remittance(document), replace(document, claims=()))
        )
        for claim in document.claims:
            rows.append(_row(len(rows) + 1, payment, claim))
            claims.append(pack_claim(claim))
    return Workspace(
        lang=explanation.answers.lang,
        payments=tuple(payments),
        rows=tuple(rows),
        months=tuple(sequestration_by_month(eras)),
        findings=_group_findings(explanation),
        codes=explanation.codes,
        held_until=held_until,
    ), tuple(claims)


@dataclass(frozen=True, slots=True)
class Query:
    """The list's search, filter, sort and page, as the query string carries them."""

    q: str = ""
    show: str = "all"
    sort: str = "claim"
    order: str = "asc"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Query:
        """Anything unknown falls back to the default: a query string is never an error."""
        page = args.get("page", "1")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_QUERY_CHARS],
            show=args.get("show", "all") if args.get("show") in SHOWS else "all",
            sort=args.get("sort", "claim") if args.get("sort") in SORTS else "claim",
            order="desc" if args.get("order") == "desc" else "asc",
            page=int(page) if page.isdigit() and 0 < len(page) < 7 else 1,
        )

    def args(self, **changes: str | int) -> dict[str, str]:
        """The query string for a link: only what differs from the defaults."""
        value = replace(self, **changes)  # type: ignore[arg-type]
        out = {
            "q": value.q,
            "show": value.show if value.show != "all" else "",
            "sort": value.sort if value.sort != "claim" else "",
            "order": value.order if value.order != "asc" else "",
            "page": str(value.page) if value.page != 1 else "",
        }
        return {name: text for name, text in out.items() if text}

    @property
    def is_plain(self) -> bool:
        """The first page of every claim, unsorted: where the overview is shown."""
        return self == Query()


def _keep(row: ClaimRow, show: str) -> bool:
    if show == "denied":
        return row.denied
    if show == "reversed":
        return row.reversal
    if show == "owes":
        return row.owes_cents is not None and row.owes_cents > 0 and not row.reversal
    if show == "co253":
        return row.sequestration_cents not in (None, 0)
    return True


def _sort_key(sort: str) -> Callable[[ClaimRow], Any]:
    """A key function: an unknown amount sorts as $0, an unknown date after every date."""
    if sort == "patient":
        return lambda row: row.patient.casefold()
    if sort == "date":
        return lambda row: row.day_number or date.max.toordinal()
    if sort == "status":
        return lambda row: (not row.denied, not row.reversal, row.status)
    if sort in ("billed", "paid", "owes"):
        index = ClaimRow._fields.index(f"{sort}_cents")
        return lambda row: row[index] if row[index] is not None else 0
    if sort == "co253":
        return lambda row: row.sequestration_cents or 0
    return lambda row: (row.claim_number, row.number)


def select(rows: Sequence[ClaimRow], query: Query) -> list[ClaimRow]:
    """The rows the query asks for, in its order."""
    words = query.q.casefold().split()
    chosen = [
        row
        for row in rows
        if _keep(row, query.show) and all(word in row.haystack for word in words)
    ]
    if query.sort != "claim" or query.order != "asc":
        chosen.sort(key=_sort_key(query.sort), reverse=query.order == "desc")
    return chosen


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the selected rows."""

    rows: tuple[ClaimRow, ...]
    number: int
    count: int
    total: int
    first: int
    last: int


def page_of(rows: Sequence[ClaimRow], number: int, per_page: int = PER_PAGE) -> Page:
    """Page `number` (clamped to the pages there are)."""
    count = max(1, -(-len(rows) // per_page))
    number = min(max(number, 1), count)
    start = (number - 1) * per_page
    chosen = tuple(rows[start : start + per_page])
    return Page(chosen, number, count, len(rows), start + 1 if chosen else 0, start + len(chosen))


def rows_by_number(rows: Iterable[ClaimRow], numbers: Iterable[int]) -> list[ClaimRow]:
    """The rows picked by number, in the list's order, unknown numbers ignored."""
    wanted = set(numbers)
    return [row for row in rows if row.number in wanted]
