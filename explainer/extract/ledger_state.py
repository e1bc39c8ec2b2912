"""A statement being read as a ledger: its services, visits and running figures, and what
they become once every row is read (claims with their lines, the statement's totals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..model import Adjustment, Claim, ServiceLine, StatementTotals, UncheckedRow
from .ledger_row import LedgerRow, vocabulary
from .table import Field

ZERO = Decimal("0")


@dataclass(slots=True)
class Service:
    row: LedgerRow
    charge: Decimal | None
    remaining: Decimal
    owes: Decimal | None = None
    paid: Decimal = ZERO
    adjustments: list[Adjustment] = field(default_factory=list)
    settled: bool = False
    voided: bool = False
    """Taken back whole by a void or charge-correction row: the pair is no service."""
    uncertain: bool = False
    """An amount on its own row, or on a row tied to it, could not be placed for sure."""


@dataclass(slots=True)
class Visit:
    day: date | None
    services: list[Service] = field(default_factory=list)
    remaining: Decimal = ZERO
    unattached: bool = False
    unsettled: int = 0
    """How many of its services no payment or adjustment row has been tied to yet."""


@dataclass(slots=True)
class Ledger:
    ledger_shape: bool
    visits: list[Visit] = field(default_factory=list)
    charges: Decimal = ZERO
    payments: Decimal = ZERO
    adjustments: Decimal = ZERO
    debits: Decimal = ZERO
    previous: Decimal = ZERO
    running: Decimal = ZERO
    running_printed: bool = False
    balance: tuple[Decimal, str] | None = None
    printed: dict[str, Decimal] = field(default_factory=dict)
    all_charges_known: bool = True
    warnings: list[str] = field(default_factory=list)
    unchecked: list[UncheckedRow] = field(default_factory=list)
    by_code: dict[str, list[tuple[Service, Visit]]] = field(default_factory=dict)
    """Services by procedure code, and the last visit of each date: a long ledger is read in
    one pass, never by searching every earlier row."""
    by_day: dict[date, Visit] = field(default_factory=dict)


# ---------------------------------------------------------------- results


def charge_unknown(service: Service) -> bool:
    """What is left of a service is not known: an amount on its row could not be read, or
    credits were taken off a charge we could not read (never a silent $0 or a guess)."""
    return service.owes is None and (
        service.uncertain or service.row.unreadable or (service.charge is None and service.settled)
    )


def voids(row: LedgerRow, target: Service, payment: Decimal, adjusted: Decimal) -> bool:
    """A void or charge-correction row taking back the whole of an untouched charge."""
    return (
        not target.settled
        and not payment
        and not row.coded
        and target.charge is not None
        and adjusted == abs(target.charge)
        and vocabulary().says("void", row.text)
    )


def visit_claim(visit: Visit) -> Claim:
    services = [service for service in visit.services if not service.voided]
    lines = tuple(_service_line(service, visit) for service in services)
    charges = [s.charge for s in services if s.charge is not None]
    return Claim(
        lines=lines,
        billed=sum(charges, ZERO) if charges else None,
        paid=sum((s.paid for s in services), ZERO) or None,
        patient_owes=visit.remaining,
        where=services[0].row.where,
    )


def _service_line(service: Service, visit: Visit) -> ServiceLine:
    row = service.row
    owes = service.owes
    if owes is None and not visit.unattached and not charge_unknown(service):
        owes = service.remaining
    return ServiceLine(
        date_of_service=row.service_date,
        date_through=row.date_through,
        procedure_code=row.code,
        modifiers=row.modifiers,
        description=row.description,
        billed=service.charge,
        allowed=row.columns.get(Field.ALLOWED),
        paid=service.paid or None,
        patient_owes=owes,
        adjustments=tuple(service.adjustments),
        where=row.where,
        low_confidence=row.low_confidence,
    )


def statement_totals(ledger: Ledger) -> StatementTotals | None:
    """The statement's own totals; figures it does not print are summed from its rows when
    every charge was read (a balance carried forward and debits count with the charges, so
    that balance = charges − payments − adjustments holds for a statement that adds up)."""
    summed = ledger.ledger_shape and ledger.all_charges_known
    balance = ledger.balance[0] if ledger.balance else None
    if balance is None and ledger.running_printed:
        balance = ledger.running
    if balance is None and not ledger.printed:
        return None
    printed = ledger.printed
    return StatementTotals(
        charges=printed.get("charges")
        or (ledger.charges + ledger.previous + ledger.debits if summed else None),
        payments=printed.get("payments") or (ledger.payments if summed else None),
        adjustments=printed.get("adjustments") or (ledger.adjustments if summed else None),
        balance=balance,
        where=ledger.balance[1] if ledger.balance else "",
    )
