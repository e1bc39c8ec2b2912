"""Medicare's sequestration cut (CARC 253): the rate in force on a date of service, and the
cut that rate implies. Rates are data in content/rates/sequestration.toml (FACTS.md §1)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from .content import RatePeriod
from .values import cents


def rate_period(periods: Iterable[RatePeriod], day: date) -> RatePeriod | None:
    """The period whose dates hold `day`; None if no period covers it."""
    for period in periods:
        if period.start <= day and (period.end is None or day <= period.end):
            return period
    return None


def rate_on(periods: Iterable[RatePeriod], day: date | None) -> Decimal | None:
    """The rate for a date of service, or None where the date or the law is unknown."""
    if day is None:
        return None
    period = rate_period(periods, day)
    return period.rate if period else None


def expected_cut(rate: Decimal, paid: Decimal, cut: Decimal) -> Decimal:
    """rate × Medicare's payment before the cut, i.e. rate × (paid + the cut) (RULES.md).

    The cut is taken after deductible, coinsurance and MSP (FACTS.md §1.4), so the payment
    before the cut is what was paid plus the cut itself. CMS publishes no rounding rule
    (FACTS.md §1.4 ✗): we round half up and allow a cent either way.
    """
    return cents(rate * (paid + cut))


TOLERANCE = Decimal("0.01")


def cut_implied_by_payment(rate: Decimal, paid: Decimal) -> Decimal:
    """The cut behind a payment already reduced by it: paid × rate / (1 − rate) (RULES.md
    contractual-billed-to-patient, for claims downloads that print no may-owe). Medicare paid
    (1 − rate) of its payment before the cut, so the cut is rate / (1 − rate) of what it paid."""
    return cents(paid * rate / (1 - rate))
