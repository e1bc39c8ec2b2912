"""The domain model: documents, claims, lines, adjustments, findings, explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Group(StrEnum):
    """Claim adjustment group codes (FACTS.md §2)."""

    CO = "CO"
    PR = "PR"
    OA = "OA"
    PI = "PI"
    CR = "CR"


class DocumentKind(StrEnum):
    MSN = "msn"
    EOB = "eob"
    ERA835 = "era835"
    PROVIDER_BILL = "provider_bill"
    NOTICE = "notice"
    CLAIMS_DOWNLOAD = "claims_download"
    """Claims data the person downloaded (Medicare.gov Blue Button text, FHIR EOBs)."""


class Coverage(StrEnum):
    ORIGINAL_MEDICARE = "original_medicare"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICARE_PART_D = "medicare_part_d"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    UNKNOWN = "unknown"


class Format(StrEnum):
    PDF = "pdf"
    IMAGE = "image"
    X12 = "x12"
    TEXT = "text"
    FHIR = "fhir"
    CSV = "csv"
    XLSX = "xlsx"


class Severity(StrEnum):
    ALERT = "alert"
    WARNING = "warning"
    INFO = "info"


class CodeSystem(StrEnum):
    GROUP = "group"
    CARC = "carc"
    RARC = "rarc"
    PROCEDURE = "procedure"
    MSN_NOTE = "msn_note"


NOTICE_KINDS = frozenset(
    {
        DocumentKind.MSN,
        DocumentKind.EOB,
        DocumentKind.ERA835,
        DocumentKind.NOTICE,
        DocumentKind.CLAIMS_DOWNLOAD,
    }
)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One group/reason/amount triplet (an 835 CAS triplet, or `CO-253 $1.60` on paper)."""

    group: Group
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One service on a notice or a bill. `patient_owes` is what the notice says the
    patient may owe, or what a bill asks the patient to pay."""

    date_of_service: date | None = None
    procedure_code: str | None = None
    modifiers: tuple[str, ...] = ()
    description: str | None = None
    billed: Decimal | None = None
    allowed: Decimal | None = None
    paid: Decimal | None = None
    patient_owes: Decimal | None = None
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()
    denied: bool | None = None
    date_through: date | None = None
    units: Decimal | None = None
    where: str = ""
    """Where the line stands in its document, for evidence ("line 4", "page 2")."""
    low_confidence: bool = False
    not_covered: Decimal | None = None
    """The 'not covered' / 'discount' / 'non-covered charges' amount a notice prints, if any."""
    control_number: str | None = None
    """835 REF*6R line item control number: the provider's own id for this line."""

    def adjustment_total(self, group: Group | None = None, reason: str | None = None) -> Decimal:
        """Sum of this line's adjustments, optionally only one group and/or reason."""
        return sum(
            (
                a.amount
                for a in self.adjustments
                if (group is None or a.group == group) and (reason is None or a.reason == reason)
            ),
            Decimal("0"),
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim: one provider's services for one patient on one notice or bill."""

    claim_number: str | None = None
    provider: str | None = None
    lines: tuple[ServiceLine, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    remarks: tuple[str, ...] = ()
    assigned: bool | None = None
    """Did the provider accept Medicare assignment? None when the paper does not say."""
    status: str | None = None
    """835 CLP02 claim status code (1 primary, 2 secondary, 4 denied, 22 reversal, …)."""
    billed: Decimal | None = None
    paid: Decimal | None = None
    patient_owes: Decimal | None = None
    patient_name: str | None = None
    date_received: date | None = None
    is_supplier: bool = False
    """A DME supplier claim: no limiting charge applies (FACTS.md §5)."""
    where: str = ""
    notes: tuple[tuple[str, str], ...] = ()
    """(code, text) of the notes printed with this claim: MSN lettered notes, an EOB's legend."""
    provider_address: str | None = None
    coverage: Coverage = Coverage.UNKNOWN
    """From the 835 claim filing indicator (CLP06); UNKNOWN on other papers."""
    date_from: date | None = None
    """Claim statement period (835 DTM*232/233): lines without their own dates use it."""
    date_through: date | None = None


@dataclass(frozen=True, slots=True)
class ProviderAdjustment:
    """An 835 PLB provider-level adjustment (reason code, reference, amount)."""

    reason: str
    reference: str | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class StatementTotals:
    """A provider statement's own totals, to check that its balance adds up."""

    charges: Decimal | None = None
    payments: Decimal | None = None
    adjustments: Decimal | None = None
    balance: Decimal | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class UncheckedRow:
    """A row holding money that was neither read into a line nor accounted for (a total,
    summary, payment or adjustment). Any such row means we may not say all was checked."""

    where: str
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """One paper the user gave us, as read."""

    source: str
    kind: DocumentKind
    format: Format
    coverage: Coverage = Coverage.UNKNOWN
    payer: str | None = None
    payee: str | None = None
    notice_date: date | None = None
    claims: tuple[Claim, ...] = ()
    warnings: tuple[str, ...] = ()
    payment_total: Decimal | None = None
    """835 BPR02: the total actually paid to the provider."""
    payment_date: date | None = None
    provider_adjustments: tuple[ProviderAdjustment, ...] = ()
    statement: StatementTotals | None = None
    total_you_may_be_billed: Decimal | None = None
    """The MSN page-1 'Total You May Be Billed' figure, where printed."""
    account_number: str | None = None
    """The patient's account number printed on a provider statement."""
    trace_number: str | None = None
    """835 TRN02: the check or EFT trace number of the payment."""
    unchecked: tuple[UncheckedRow, ...] = ()
    """Rows with money we could not read or account for, by page and row."""

    @property
    def is_notice(self) -> bool:
        return self.kind in NOTICE_KINDS

    @property
    def lines(self) -> tuple[ServiceLine, ...]:
        return tuple(line for claim in self.claims for line in claim.lines)


@dataclass(frozen=True, slots=True)
class Answers:
    """What the user told us that changes the rules."""

    qmb: bool = False
    coverage: Coverage | None = None
    medicaid: bool = False
    """Full Medicaid: a different question from QMB; its protection depends on the state."""
    notice_received: date | None = None
    today: date | None = None
    lang: str = "en"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence behind a finding: which document, where, and what it says."""

    document: str
    where: str
    says: str

    def as_dict(self) -> dict[str, str]:
        return {"document": self.document, "where": self.where, "says": self.says}


@dataclass(frozen=True, slots=True)
class Finding:
    """A result of one check: a rule id from RULES.md and its plain-language story."""

    rule: str
    severity: Severity
    title: str
    detail: str
    amount: Decimal | None = None
    evidence: tuple[Evidence, ...] = ()
    next_steps: tuple[str, ...] = ()
    deadline: date | None = None
    codes: tuple[str, ...] = ()
    """Codes this finding is about, as `CO-253`, `N781`, for letters and links."""
    facts: tuple[tuple[str, str], ...] = ()
    """The figures the words were filled with, as printed ('asked', '$21.60'): letters reuse them."""

    def fact(self, name: str, default: str = "") -> str:
        return dict(self.facts).get(name, default)


@dataclass(frozen=True, slots=True)
class CodeExplanation:
    """A code explained for a patient, from content/."""

    system: CodeSystem
    code: str
    title: str
    plain: str
    patient_pays: bool | None
    what_to_do: str = ""
    source: str = ""
    active: bool = True
    known: bool = True
    example: str = ""


@dataclass(frozen=True, slots=True)
class Totals:
    """The bottom line: what the notices say the patient may owe, and what the bills ask."""

    may_owe_at_most: Decimal | None = None
    bill_asks: Decimal | None = None
    why: tuple[str, ...] = ()
    """Plain sentences: what changed may_owe_at_most from the notices' printed figure,
    each naming its finding's rule id in parentheses."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything the pipeline produced for one set of papers."""

    documents: tuple[Document, ...]
    findings: tuple[Finding, ...]
    codes: tuple[CodeExplanation, ...]
    totals: Totals = field(default_factory=Totals)
    answers: Answers = field(default_factory=Answers)
