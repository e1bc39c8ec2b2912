"""Money and dates as people and papers print them, parsed into Decimal and date."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000")
"""No medical bill line reaches a billion dollars; longer digit runs are ids, not money."""

# $1,234.56  -1.60  (1.60)  1.60-  $.80  1234  -$2.40  $ 2.40
# The blanks before the number are possessive (\s*+): what follows each run is never a blank,
# and plain \s* next to \s* tried every split of a long run of blanks (200 took 7 s).
MONEY_PATTERN = re.compile(
    r"""
    (?<![\w.])
    (?P<open>\()?\s*+
    (?P<sign>[-−–])?\s*+
    \$?\s*+
    (?P<sign2>[-−–])?
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?|\.\d{1,2})
    (?P<trail>-)?
    \s*(?P<close>\))?
    (?![\w.,]\d|\d|%)
    """,
    re.VERBOSE,
)

# A US address's state and ZIP ("Dayton, OH 45990", "OH 45990-1234"): five digits after a
# state abbreviation are a ZIP code, never a CPT code (issue 15: a provider's ZIP became a
# "digestive system surgery" line). Every reader that looks for procedure codes masks these
# first. Upper case only, so words like "in" or "or" before a number are not states.
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|VI|GU|AS|MP"
)
ZIP_CODE = re.compile(
    rf"(?<![A-Za-z])(?:{US_STATES})\.?,?\s+(?P<zip>\d{{5}})(?:-\d{{4}})?(?![\w.,]\d|\d)"
)
ADDRESS_LINE = re.compile(
    rf"^(?!.*\$).*\b(?:{US_STATES})\.?,?\s+\d{{5}}(?:-\d{{4}})?"
    r"(?:[\s,;]+(?i:phone|tel|telephone|fax|ph)\.?:?\s*\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{4})*\s*$"
)
"""A line that is only an address ('123 Main St, Dayton OH 45990', maybe with its phone):
no money, ends in a ZIP."""


def is_zip_code(text: str, start: int, end: int) -> bool:
    """Is text[start:end] (five digits) the ZIP code of a US address?"""
    return any(
        match.start("zip") == start and match.end("zip") >= end for match in ZIP_CODE.finditer(text)
    )


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "ene", "enero"),
            ("feb", "february", "febrero"),
            ("mar", "march", "marzo"),
            ("apr", "april", "abr", "abril"),
            ("may", "mayo"),
            ("jun", "june", "junio"),
            ("jul", "july", "julio"),
            ("aug", "august", "ago", "agosto"),
            ("sep", "sept", "september", "septiembre", "setiembre"),
            ("oct", "october", "octubre"),
            ("nov", "november", "noviembre"),
            ("dec", "december", "dic", "diciembre"),
        ],
        start=1,
    )
    for name in names
}

_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))

DATE_PATTERN = re.compile(
    rf"""
    (?<![\d/.-])
    (?:
        (?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})
      | (?P<us_m>\d{{1,2}})[/.-](?P<us_d>\d{{1,2}})[/.-](?P<us_y>\d{{4}}|\d{{2}})
      | (?P<w_month>{_MONTH_WORD})\.?\s+(?P<w_day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<w_year>\d{{4}})
      | (?P<d_day>\d{{1,2}})\s+(?P<d_month>{_MONTH_WORD})\.?,?\s+(?P<d_year>\d{{4}})
      | (?P<x12>(?:19|20)\d{{6}})
    )
    (?![\d/])
    """,
    re.VERBOSE | re.IGNORECASE,
)


def parse_money(text: str) -> Decimal | None:
    """Read one amount ('$1,234.56', '(2.40)', '-2.40', '2.40-') or None."""
    match = MONEY_PATTERN.fullmatch(text.strip())
    if not match:
        return None
    return money_from_match(match)


def money_from_match(match: re.Match[str]) -> Decimal | None:
    """Turn a MONEY_PATTERN match into a signed Decimal rounded to cents."""
    try:
        value = Decimal(match.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    negative = bool(
        match.group("sign")
        or match.group("sign2")
        or match.group("trail")
        or (match.group("open") and match.group("close"))
    )
    if value >= MAX_AMOUNT:
        return None
    value = -value if negative else value
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Bills are about the recent past: '25' is 2025, '98' is 1998.
        year += 2000 if year < 70 else 1900
    return year


def date_from_match(match: re.Match[str]) -> date | None:
    """Turn a DATE_PATTERN match into a date, or None if it names no real day."""
    groups = match.groupdict()
    try:
        if groups["iso_y"]:
            return date(int(groups["iso_y"]), int(groups["iso_m"]), int(groups["iso_d"]))
        if groups["us_y"]:
            return date(_year(groups["us_y"]), int(groups["us_m"]), int(groups["us_d"]))
        if groups["w_year"]:
            month = _MONTHS[groups["w_month"].lower()]
            return date(int(groups["w_year"]), month, int(groups["w_day"]))
        if groups["d_year"]:
            month = _MONTHS[groups["d_month"].lower()]
            return date(int(groups["d_year"]), month, int(groups["d_day"]))
        if groups["x12"]:
            text = groups["x12"]
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    return None


def parse_date(text: str) -> date | None:
    """Read one date ('03/04/2025', '3/4/25', '2025-03-04', 'Mar 4, 2025', '20250304')."""
    match = DATE_PATTERN.fullmatch(text.strip())
    return date_from_match(match) if match else None


def find_dates(text: str) -> list[tuple[date, re.Match[str]]]:
    """Every real date in a text, with where it stands."""
    found = []
    for match in DATE_PATTERN.finditer(text):
        day = date_from_match(match)
        if day is not None:
            found.append((day, match))
    return found


def cents(value: Decimal) -> Decimal:
    """Round to the cent the way money is printed (half up)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal | None) -> str | None:
    """'-2.40' style, exactly two decimals, as the JSON contract wants."""
    if value is None:
        return None
    return f"{cents(value):.2f}"


def display_money(value: Decimal | None) -> str:
    """'$1,234.56' for people; '—' where unknown."""
    if value is None:
        return "—"
    rounded = cents(value)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.2f}"


_MONTH_NAMES = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}


def display_date(value: date | None, lang: str = "en") -> str:
    """'March 4, 2025' / '4 de marzo de 2025'; 'an unknown date' where missing."""
    if value is None:
        return "una fecha desconocida" if lang == "es" else "an unknown date"
    month = _MONTH_NAMES.get(lang, _MONTH_NAMES["en"])[value.month - 1]
    if lang == "es":
        return f"{value.day} de {month} de {value.year}"
    return f"{month} {value.day}, {value.year}"


def display_month(value: date, lang: str = "en") -> str:
    """'March 2025' / 'marzo de 2025'."""
    month = _MONTH_NAMES.get(lang, _MONTH_NAMES["en"])[value.month - 1]
    return f"{month} de {value.year}" if lang == "es" else f"{month} {value.year}"


def display_percent(rate: Decimal) -> str:
    """0.02 → '2%', 0.0225 → '2.25%'."""
    percent = (rate * 100).normalize()
    return f"{percent:f}%"
