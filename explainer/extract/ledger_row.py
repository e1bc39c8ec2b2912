"""One row of a provider's statement, and what kind of row it is (charge, payment, adjustment…).

Every statement reader (typed lines, pasted tables, CSV/XLSX, PDF) describes its rows as
`LedgerRow`s; `classify` gives each one kind from the words in content/ledger.toml, its
columns and its sign, so the kinds are decided once, whatever the input format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

from ..content import CONTENT_DIR
from ..errors import ContentError
from ..model import Adjustment, Group
from .table import MONEY_FIELDS, Field, cell_money, coded_adjustments, date_range, procedure

ZERO = Decimal("0")


class RowKind(StrEnum):
    """What one ledger row does to the balance."""

    CHARGE = "charge"
    PAYMENT = "payment"
    ADJUSTMENT = "adjustment"
    TRANSFER = "transfer"
    """Moved to patient responsibility (or a patient share named): the balance is unchanged."""
    DEBIT = "debit"
    """Adds to what is owed without being a service: a refund, a reversal, a fee."""
    PREVIOUS = "previous"
    BALANCE = "balance"
    TOTAL = "total"
    SUMMARY = "summary"
    UNKNOWN = "unknown"
    """Money on a row whose meaning we could not tell: reported, never silently dropped."""
    NOTE = "note"
    """No money on the row."""


CREDITS = frozenset({RowKind.PAYMENT, RowKind.ADJUSTMENT})
LEDGER_KINDS = frozenset(
    {RowKind.PAYMENT, RowKind.ADJUSTMENT, RowKind.TRANSFER, RowKind.DEBIT, RowKind.PREVIOUS}
)
PAYMENT_COLUMNS = (Field.PAYMENTS, Field.PAID, Field.OTHER_PAID)
ADJUSTMENT_COLUMNS = (Field.ADJUSTMENTS, Field.NOT_COVERED)
SHARE_COLUMNS = ((Field.DEDUCTIBLE, "1"), (Field.COINSURANCE, "2"), (Field.COPAY, "3"))
"""Patient-share columns as PR group reasons (CARC 1/2/3, FACTS.md §3)."""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One row of a statement as its reader saw it.

    `columns` holds the amounts whose role is known (a column header or a label said so);
    `amounts` the others, in printed order. `coded` are group/reason codes printed with their
    own amount, `bare_codes` those printed without one (they take the row's amount).
    """

    text: str
    where: str
    columns: Mapping[Field, Decimal] = field(default_factory=dict)
    amounts: tuple[Decimal, ...] = ()
    credit: bool | None = None
    """A 'CR' (True) or 'DR' (False) printed with the amount; None when neither is."""
    service_date: date | None = None
    date_through: date | None = None
    dates: tuple[date, ...] = ()
    """Every date on the row (service or posting), to find the visit a credit belongs to."""
    code: str | None = None
    modifiers: tuple[str, ...] = ()
    description: str | None = None
    coded: tuple[Adjustment, ...] = ()
    bare_codes: tuple[tuple[Group, str], ...] = ()
    low_confidence: bool = False
    unreadable: bool = False
    """An amount column holds something that is not an amount ('see note', '1O.00')."""

    @property
    def has_money(self) -> bool:
        return bool(self.columns or self.amounts or self.coded or self.unreadable)


# ---------------------------------------------------------------- vocabulary (content/ledger.toml)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The words for each kind of row, compiled."""

    kinds: Mapping[str, re.Pattern[str]]

    def says(self, name: str, text: str) -> bool:
        return bool(self.kinds[name].search(text))


def _phrases(words: Sequence[str]) -> re.Pattern[str]:
    parts = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(rf"(?<![\w]){'|'.join(parts)}(?![\w])" if parts else r"(?!)", re.I)


KINDS = frozenset(
    {
        "summary", "claim_filed", "previous", "total_charges", "total_payments",
        "total_adjustments", "transfer", "balance", "debit", "void", "payment",
        "patient_payment", "adjustment", "patient_share", "payer", "credit_marker",
        "debit_marker",
    }
)  # fmt: skip
"""The word lists content/ledger.toml must hold, no more and no fewer."""


def load_vocabulary(path: Path) -> Vocabulary:
    """The word lists in `path`; every problem is reported at once (ContentError)."""
    try:
        with path.open("rb") as handle:
            kinds = tomllib.load(handle).get("kind", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ContentError([f"{path.name}: {error}"]) from error
    problems = [f"{path.name}: [kind] lacks {name}" for name in sorted(KINDS - set(kinds))]
    problems += [f"{path.name}: [kind] has unknown {name}" for name in sorted(set(kinds) - KINDS)]
    for name, words in kinds.items():
        if (
            not isinstance(words, list)
            or not words
            or not all(isinstance(w, str) and w.strip() for w in words)
        ):
            problems.append(f"{path.name}: [kind] {name} must be a list of phrases")
    if problems:
        raise ContentError(problems)
    return Vocabulary({name: _phrases(words) for name, words in kinds.items()})


@cache
def vocabulary() -> Vocabulary:
    """content/ledger.toml, read once."""
    return load_vocabulary(CONTENT_DIR / "ledger.toml")


# ---------------------------------------------------------------- rows from table cells


MARKER = re.compile(r"(?<![\w])(CR|DR|credit|debit)\.?(?![\w])", re.I)


def row_from_cells(
    cells: Mapping[Field, str], where: str, text: str | None = None, low_confidence: bool = False
) -> LedgerRow:
    """A table row (pasted, CSV, XLSX or PDF) as a ledger row: each cell read by its column."""
    whole = text if text is not None else " ".join(v for v in cells.values() if v)
    columns: dict[Field, Decimal] = {}
    credit: bool | None = None
    unreadable = False
    for name, cell in cells.items():
        marker = MARKER.search(cell)
        if marker:
            credit = marker.group(1).lower() in {"cr", "credit"}
            cell = MARKER.sub(" ", cell)
        amount = cell_money(cell)
        if amount is not None and name not in {Field.DATE, Field.POSTED, Field.CODE, Field.UNITS}:
            columns[name] = amount
        elif amount is None and name in MONEY_FIELDS and re.search(r"[A-Za-z0-9]", cell):
            unreadable = True
    service = cells.get(Field.SERVICE, "")
    code, modifiers = service_code(service, cells.get(Field.CODE, ""))
    first, last = date_range(cells.get(Field.DATE, ""))
    posted, _ = date_range(cells.get(Field.POSTED, ""))
    words = f"{service} {cells.get(Field.NOTES, '')} {cells.get(Field.OTHER, '')}"
    coded = tuple(
        Adjustment(g, r, a) for g, r, a in coded_adjustments(words.upper()) if a is not None
    )
    bare = tuple((g, r) for g, r, a in coded_adjustments(words.upper()) if a is None)
    return LedgerRow(
        text=whole,
        where=where,
        columns={k: v for k, v in columns.items() if k not in {Field.OTHER, Field.NOTES}},
        credit=credit,
        service_date=first,
        date_through=last,
        dates=tuple(d for d in (first, last, posted) if d),
        code=code,
        modifiers=modifiers,
        description=service.strip() or None,
        coded=coded,
        bare_codes=bare,
        low_confidence=low_confidence or unreadable,
        unreadable=unreadable,
    )


_CODE_IN_TEXT = re.compile(r"(?<![\w/.$-])(\d{4}[0-9FTU]|[A-V]\d{4})(?![\w/.,])")


def service_code(service: str, code_cell: str = "") -> tuple[str | None, tuple[str, ...]]:
    """The procedure code of a row: the code column, '(99214)', a leading code, or a code
    standing anywhere in a pasted description ('Office visit 99214')."""
    code, modifiers = procedure(service, code_cell)
    if code is None and (found := _CODE_IN_TEXT.search(service)):
        return found.group(1), ()
    return code, modifiers


# ---------------------------------------------------------------- what kind a row is


def classify(row: LedgerRow, vocab: Vocabulary | None = None) -> RowKind:
    """One kind per row, from its words, its columns and its sign (see module docstring)."""
    vocab = vocab or vocabulary()
    text = MARKER.sub(" ", row.text)
    if vocab.says("summary", text):
        return RowKind.SUMMARY
    if not row.has_money:
        return RowKind.NOTE
    if vocab.says("claim_filed", text) and not _credit_words(vocab, text):
        return RowKind.NOTE  # a claim sent to the insurer repeats its charge: nothing moves
    if vocab.says("previous", text):
        return RowKind.PREVIOUS
    if total_of(row, text, vocab) or (_TOTALS_ROW.match(text) and not row.code):
        return RowKind.TOTAL
    if (row.columns.get(Field.BILLED) or ZERO) > 0:
        return RowKind.CHARGE  # an itemized row: the service with its own paid/adjusted cells
    if set(row.columns) == {Field.ALLOWED} and not row.amounts and not row.code:
        return RowKind.NOTE  # 'Medicare allowed 100.00': what the insurer allowed moves nothing
    posting = bool(row.dates or row.service_date or row.code or row.coded or row.bare_codes)
    if vocab.says("transfer", text) and posting:
        return RowKind.TRANSFER
    if vocab.says("balance", text) and not (row.code and row.service_date):
        starts = vocab.kinds["balance"].match(text.strip())
        if starts or not _credit_words(vocab, text):
            return RowKind.BALANCE
    taken_off = row.credit is True or _signed(row) < 0
    if (
        vocab.says("debit", text)
        and not taken_off
        or row.credit is False
        and _credit_words(vocab, text)
    ):
        return RowKind.DEBIT  # money given back adds to what is owed; '-150.00 reversal' does not
    if vocab.says("payment", text):
        return RowKind.PAYMENT
    if vocab.says("adjustment", text):
        return RowKind.ADJUSTMENT
    if _any(row, PAYMENT_COLUMNS):
        return RowKind.PAYMENT
    if _any(row, ADJUSTMENT_COLUMNS):
        return RowKind.ADJUSTMENT
    if any(a.group is not Group.PR for a in row.coded) or any(
        g is not Group.PR for g, _ in row.bare_codes
    ):
        return RowKind.ADJUSTMENT
    if row.coded or row.bare_codes or vocab.says("patient_share", text):
        return RowKind.TRANSFER  # 'PR-2 coinsurance $20.00': the patient's share, named
    if row.credit is True or _signed(row) < 0:
        return RowKind.PAYMENT if vocab.says("payer", text) else RowKind.ADJUSTMENT
    if not row.code and _only_payer(vocab, text):
        return RowKind.PAYMENT  # '03/28/2025 Medicare 78.40': a payer's name alone is its payment
    if row.service_date or row.code or row.columns.get(Field.AMOUNT):
        return RowKind.CHARGE
    return RowKind.UNKNOWN


_TOTALS_ROW = re.compile(r"^\s*(claim |grand |sub ?|page |account )?totals?\b(?!\s+due)", re.I)
"""A table's totals row ('Totals  150.00  78.40  51.60  20.00'); 'Total due' is a balance."""


def total_of(row: LedgerRow, text: str, vocab: Vocabulary) -> str | None:
    """Which column total a row prints ('Total charges $150.00'; 'Payments $78.40' alone on
    a row without a date or code), or None."""
    words = " ".join(re.findall(r"[^\W\d_]+", text)).lower()
    undated = not (row.dates or row.service_date or row.code)
    for name in ("charges", "payments", "adjustments"):
        pattern = vocab.kinds[f"total_{name}"]
        if (undated and pattern.fullmatch(words)) or (
            words.startswith("total") and pattern.search(words)
        ):
            return name
    return None


def _only_payer(vocab: Vocabulary, text: str) -> bool:
    """The row's only words name a payer ('Medicare', 'BCBS primary')."""
    words = " ".join(re.findall(r"[^\W\d_]+", text))
    return bool(words) and not vocab.kinds["payer"].sub(" ", words).strip()


def _credit_words(vocab: Vocabulary, text: str) -> bool:
    return vocab.says("payment", text) or vocab.says("adjustment", text)


def _any(row: LedgerRow, names: Sequence[Field]) -> bool:
    return any(row.columns.get(name) for name in names)


def _signed(row: LedgerRow) -> Decimal:
    """The row's main amount with its printed sign."""
    for name in (Field.AMOUNT, Field.OWES, Field.BALANCE):
        if name in row.columns:
            return row.columns[name]
    return row.amounts[0] if row.amounts else ZERO


# ---------------------------------------------------------------- a row's amounts


def place(row: LedgerRow) -> str:
    return row.where[:1].upper() + row.where[1:] if row.where else "A row"


def main_amount(row: LedgerRow) -> Decimal | None:
    """The row's own amount; a balance column only when the row has nothing else (a running
    balance beside a refund is not the refund)."""
    for name in (Field.AMOUNT, Field.OWES, *PAYMENT_COLUMNS, *ADJUSTMENT_COLUMNS, Field.BILLED):
        if name in row.columns:
            return row.columns[name]
    if row.amounts:
        return row.amounts[0]
    return row.columns.get(Field.BALANCE)


def bare_adjustments(row: LedgerRow, amount: Decimal) -> list[Adjustment]:
    """A code printed without an amount takes the row's amount when it is the only one."""
    if len(row.bare_codes) == 1 and amount:
        group, reason = row.bare_codes[0]
        return [Adjustment(group, reason, abs(amount))]
    return []


def credit_amounts(row: LedgerRow, kind: RowKind) -> tuple[Decimal, Decimal, bool]:
    """(payment, adjustment, whether the amount was the row's first loose amount).

    A row printing both a payment and an adjustment column keeps them apart; a row with one
    amount (in whichever column: 'Credit', 'Amount', or loose) is what its kind says, and codes
    printed with their own amounts on a payment row are its adjustments."""
    columns = row.columns
    paid_columns = sum((abs(columns.get(name) or ZERO) for name in PAYMENT_COLUMNS), ZERO)
    adjusted_columns = sum((abs(columns.get(name) or ZERO) for name in ADJUSTMENT_COLUMNS), ZERO)
    coded = sum((a.amount for a in row.coded if a.group is not Group.PR), ZERO)
    if paid_columns and adjusted_columns:
        return paid_columns, adjusted_columns, False
    single = paid_columns or adjusted_columns or abs(columns.get(Field.AMOUNT) or ZERO)
    took_loose = not single and bool(row.amounts)
    if took_loose:
        single = abs(row.amounts[0])
    if kind is RowKind.PAYMENT:
        return single, coded, took_loose
    if not single and coded:
        return ZERO, coded, False
    return ZERO, single, took_loose


def service_days(row: LedgerRow) -> set[date]:
    return set(row.dates) | ({row.service_date} if row.service_date else set())
