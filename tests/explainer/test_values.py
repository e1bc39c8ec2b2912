"""Money and dates as people print them."""

from datetime import date
from decimal import Decimal

import pytest

from explainer.values import display_date, display_money, format_money, parse_date, parse_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,234.56", "1234.56"),
        ("117.60", "117.60"),
        ("$.80", "0.80"),
        ("-2.40", "-2.40"),
        ("-$2.40", "-2.40"),
        ("(2.40)", "-2.40"),
        ("2.40-", "-2.40"),
        ("$ 30", "30.00"),
        ("1,000", "1000.00"),
    ],
)
def test_parse_money_reads_printed_amounts(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["12%", "1.2.3", "abc", "", "$", "9" * 40])
def test_parse_money_refuses_what_is_not_money(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2025", date(2025, 3, 4)),
        ("3/4/25", date(2025, 3, 4)),
        ("2025-03-04", date(2025, 3, 4)),
        ("Mar 4, 2025", date(2025, 3, 4)),
        ("March 4 2025", date(2025, 3, 4)),
        ("4 Mar 2025", date(2025, 3, 4)),
        ("20250304", date(2025, 3, 4)),
        ("02/29/2024", date(2024, 2, 29)),
        ("12/31/98", date(1998, 12, 31)),
    ],
)
def test_parse_date_reads_the_ways_dates_are_printed(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["02/30/2025", "13/01/2025", "02/29/2025", "hello"])
def test_parse_date_refuses_days_that_do_not_exist(text: str) -> None:
    assert parse_date(text) is None


def test_money_formats() -> None:
    assert format_money(Decimal("-2.4")) == "-2.40"
    assert format_money(None) is None
    assert display_money(Decimal("1234.5")) == "$1,234.50"
    assert display_money(Decimal("-1.6")) == "-$1.60"
    assert display_date(date(2025, 3, 4)) == "March 4, 2025"
    assert display_date(date(2025, 3, 4), "es") == "4 de marzo de 2025"
