"""The common codes: the ~60 codes patients see most get a hand-checked text and a worked example.

(a) how many entries are common, and that each has an English and a Spanish example;
(b) what each common code says, checked against shared/design/FACTS.md (or, where FACTS.md is
    silent, the official list): who pays, and the words that carry the meaning;
(c) the sums in the examples add up.

Examples write their sums in a few fixed phrases, so that this file can check them:

    English                                  Spanish
    "$300 minus $240 leaves $60"             "$300 menos $240 deja $60"
    "$250 minus $160 is $90"                 "$250 menos $160 son $90"
    "$50 plus $10 coinsurance: $60 in all"   "$50 más $10 de coseguro: $60 en total"
    "20% of $100, which is $20"              "el 20% de $100, o sea $20"
    "$300 − $240 = $60", "$5 + $10 = $15"   (either language)

A sum written any other way with "minus", "plus", "in all", "menos", "en total", "N% of $",
or "$A − $B", "$A + $B", "= $C", fails the test, so a new example cannot slip an unchecked sum past it.
"""

from __future__ import annotations

import re
import statistics
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODES = ROOT / "content" / "codes"
SYSTEMS = ("group", "carc", "rarc", "msn_note")

MIN_COMMON = 60
EXAMPLE_SENTENCES = (2, 5)  # content/README.md, "How to write" 12
EXAMPLE_FK_MAX = 9.0  # the same ceiling as `plain` (content/README.md, "Readability")
EXAMPLE_FH_MEDIAN_MIN = 70.0  # the Spanish target (content/README.md, "Readability")


@cache
def _entries(system: str) -> tuple[dict[str, Any], ...]:
    found: list[dict[str, Any]] = []
    for path in [CODES / f"{system}.toml", *sorted(CODES.glob(f"{system}_*.toml"))]:
        if path.exists():
            with path.open("rb") as handle:
                found.extend(tomllib.load(handle).get("code", []))
    return tuple(found)


def _entry(system: str, code: str) -> dict[str, Any]:
    matches = [e for e in _entries(system) if str(e["id"]) == code]
    assert len(matches) == 1, f"{system} {code}: {len(matches)} entries"
    return matches[0]


def _common() -> list[tuple[str, dict[str, Any]]]:
    return [(system, e) for system in SYSTEMS for e in _entries(system) if e.get("common")]


def _common_ids() -> list[str]:
    return [f"{system}:{e['id']}" for system, e in _common()]


def _common_with_example() -> list[tuple[str, dict[str, Any]]]:
    return [(system, e) for system, e in _common() if "example" in e and "example_es" in e]


def _with_example_ids() -> list[str]:
    return [f"{system}:{e['id']}" for system, e in _common_with_example()]


def _common_params() -> list[Any]:
    return [pytest.param(system, e, id=f"{system}:{e['id']}") for system, e in _common()]


# --- (a) enough common entries, each with a worked example in both languages -------------------


def test_at_least_sixty_entries_are_common() -> None:
    assert len(_common()) >= MIN_COMMON, f"only {len(_common())} common entries"


@pytest.mark.parametrize(("system", "entry"), _common_params())
def test_common_entry_has_an_example_in_english_and_spanish(
    system: str, entry: dict[str, Any]
) -> None:
    for field in ("example", "example_es"):
        assert str(entry.get(field, "")).strip(), f"{system} {entry['id']}: no {field}"


def _sentences(text: str) -> list[str]:
    # A decimal point ($78.40) is never followed by a space, so it does not end a sentence.
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


@pytest.mark.parametrize(("system", "entry"), _common_with_example(), ids=_with_example_ids())
def test_common_example_is_short_and_the_spanish_matches(
    system: str, entry: dict[str, Any]
) -> None:
    low, high = EXAMPLE_SENTENCES
    english, spanish = _sentences(entry["example"]), _sentences(entry["example_es"])
    assert low <= len(english) <= high, f"{system} {entry['id']}: {len(english)} sentences"
    assert len(spanish) == len(english), (
        f"{system} {entry['id']}: Spanish has {len(spanish)} sentences"
    )
    # The same dollar amounts and percents in both languages: a translation that changed a
    # number would tell the reader a different story.
    assert _amounts(entry["example"]) == _amounts(entry["example_es"]), f"{system} {entry['id']}"
    assert _percents(entry["example"]) == _percents(entry["example_es"]), f"{system} {entry['id']}"


def test_common_entries_are_easy_to_read() -> None:
    """Every common text a reader meets is at grade 9 or lower (titles are short labels: the
    grade formula means little on two or three words, so they are left out)."""
    textstat = pytest.importorskip("textstat")
    try:
        textstat.set_lang("en")
        too_hard = {
            f"{system}:{entry['id']}:{field}": round(grade, 1)
            for system, entry in _common()
            for field in ("plain", "what_to_do", "example")
            if field in entry
            and (grade := textstat.flesch_kincaid_grade(entry[field])) > EXAMPLE_FK_MAX
        }
        textstat.set_lang("es")
        spanish = [textstat.fernandez_huerta(e["example_es"]) for _, e in _common_with_example()]
    finally:
        textstat.set_lang("en")
    assert not too_hard, f"above grade {EXAMPLE_FK_MAX}: {too_hard}"
    assert statistics.median(spanish) >= EXAMPLE_FH_MEDIAN_MIN


# --- (b) the meaning of every common code, checked against FACTS.md -----------------------------

# (system, code, patient_pays, word groups). Each group is a tuple of alternatives; `title` or
# `plain` (lower case) must contain at least one alternative of every group. patient_pays None:
# FACTS.md does not settle it, so it is not checked here. The comment names the source of each
# row: a FACTS.md section, or "X12 list" (shared/corpus/codes/x12_codes_2026-08-17.csv) where
# FACTS.md does not describe the code.
# fmt: off
MEANINGS: list[tuple[str, str, bool | str | None, tuple[tuple[str, ...], ...]]] = [
    # group codes
    ("group", "CO", False, (("co ",), ("do not owe", "may not bill"))),  # §2: Noridian, may not be billed
    ("group", "PR", True, (("pr ",), ("may be billed", "may owe"), ("qmb",))),  # §2; §3 QMB nuance
    ("group", "OA", None, (("oa ",), ("information", "already paid"))),  # §2: usually informational
    ("group", "PI", False, (("pi ",), ("insurer", "plan"), ("do not owe",))),  # §2: generally not owed
    # CARC
    ("carc", "1", True, (("deductible",), ("qmb",))),  # §3 CARC table; §5 QMB
    ("carc", "2", True, (("coinsurance",), ("qmb",))),  # §3 CARC table; §5 QMB
    ("carc", "3", True, (("copay",), ("qmb",))),  # §3 CARC table; §5 QMB
    ("carc", "4", "depends", (("modifier",), ("mistake", "error"))),  # §3: billing error
    ("carc", "5", "depends", (("place",), ("mistake", "error"))),  # §3: billing error
    ("carc", "16", "depends", (("missing",), ("mistake", "error"), ("remark",))),  # §3: needs a RARC
    ("carc", "18", False, (("duplicate", "twice"),)),  # §2 OA-18; §3: not a patient charge
    ("carc", "22", "depends", (("another plan", "other plan"), ("pay first",))),  # §3: other insurance
    ("carc", "23", False, (("other plan", "another plan"), ("already paid",))),  # §2 OA-23; §3
    ("carc", "26", "depends", (("before",), ("coverage",))),  # X12 list
    ("carc", "27", "depends", (("after",), ("ended",))),  # §3: eligibility
    ("carc", "29", "depends", (("time limit", "late"), ("co 29",), ("do not owe",))),  # §3; §2 CO
    ("carc", "31", "depends", (("could not find", "could not match"),)),  # X12 list
    ("carc", "35", "depends", (("lifetime",), ("limit", "most"))),  # X12 list
    ("carc", "45", "depends", (("more than",), ("allows",), ("legal limit",))),  # §3; §5 limiting charge
    ("carc", "50", "depends", (("medically needed", "necessary"), ("abn",))),  # §3: CO-50 vs PR-50
    ("carc", "59", "depends", (("more than one",), ("less",))),  # X12 list
    ("carc", "66", True, (("blood",), ("deductible",), ("qmb",))),  # X12 list; §5 QMB
    ("carc", "96", "depends", (("not cover",), ("remark",))),  # §3: needs a RARC; group decides
    ("carc", "97", "depends", (("part of another", "included", "bundled"),)),  # §3: bundling
    ("carc", "100", "depends", (("to you, not",), ("assignment",))),  # X12 list; §4 unassigned
    ("carc", "109", "depends", (("not the right", "wrong plan"),)),  # §3: misrouted claim
    ("carc", "119", "depends", (("limit", "the most"),)),  # §3: benefit maximum
    ("carc", "129", "depends", (("before", "earlier"), ("wrong",))),  # §3: prior processing
    ("carc", "151", "depends", (("so many times", "fewer"),)),  # §3: frequency limit
    ("carc", "167", "depends", (("diagnosis",), ("not cover",))),  # §3
    ("carc", "170", "depends", (("type of provider",),)),  # §3
    ("carc", "181", "depends", (("code",), ("not valid",))),  # X12 list
    ("carc", "182", "depends", (("modifier",), ("not valid",))),  # X12 list
    ("carc", "185", "depends", (("person who gave",), ("not allowed", "may not"))),  # X12 list
    ("carc", "197", "depends", (("ahead of time", "approv"),)),  # §3: authorization absent
    ("carc", "204", "depends", (("does not cover", "not cover"), ("as pr",))),  # §3: often PR
    ("carc", "209", False, (("may not collect",), ("pay you back", "refund"))),  # §2 OA-209; §3
    ("carc", "223", "depends", (("law",), ("2%",), ("253",))),  # §1.6: used before 253
    ("carc", "226", "depends", (("asked",), ("did not send",))),  # X12 list
    ("carc", "236", "depends", (("same day",),)),  # §3: NCCI same-day edit
    ("carc", "242", "depends", (("network",),)),  # §3: out-of-network
    ("carc", "253", False, (("sequestration", "2%"), ("assigned",), ("unassigned",))),  # §1.6, §1.7
    ("carc", "303", False, (("qmb",), ("do not owe",))),  # §3: QMB protection; §5
    ("carc", "A1", "depends", (("denied",), ("remark",))),  # X12 list
    ("carc", "B7", "depends", (("not certified",), ("day",))),  # X12 list
    ("carc", "B9", "depends", (("hospice",),)),  # X12 list
    ("carc", "B15", "depends", (("related service", "other service"), ("not yet",))),  # X12 list
    # RARC
    ("rarc", "MA01", "depends", (("appeal",), ("120 days",))),  # §3 RARC table; §6
    ("rarc", "MA04", "depends", (("first plan",), ("second",))),  # §3: secondary needs primary's facts
    ("rarc", "MA07", "depends", (("medicaid",),)),  # X12 list
    ("rarc", "MA18", "depends", (("other insurance", "medigap"),)),  # §3: crossover
    ("rarc", "MA130", "depends", (("new",), ("nothing to appeal", "no appeal", "cannot appeal"))),  # §3; §6
    ("rarc", "M15", "depends", (("parts of one", "combined", "bundled"),)),  # §3
    ("rarc", "M80", "depends", (("same day", "that day"), ("already processed",))),  # §3
    ("rarc", "N20", "depends", (("same date", "same day"),)),  # §3
    ("rarc", "N30", "depends", (("not eligible",),)),  # §3
    ("rarc", "N130", "depends", (("limit",), ("benefit papers", "plan's papers"))),  # §3
    ("rarc", "N290", "depends", (("id number",), ("person who gave",))),  # §3
    ("rarc", "N381", "depends", (("contract",),)),  # §3
    ("rarc", "N781", False, (("qmb",), ("deductible",))),  # §3 QMB nuance; §5
    ("rarc", "N782", False, (("qmb",), ("coinsurance",))),  # §3 QMB nuance; §5
    ("rarc", "N783", False, (("qmb",), ("copay",))),  # §3 QMB nuance; §5
]
# fmt: on


def _meaning_problems(
    entry: dict[str, Any], pays: bool | str | None, groups: tuple[tuple[str, ...], ...]
) -> list[str]:
    problems = []
    if pays is not None and entry["patient_pays"] != pays:
        problems.append(f"patient_pays is {entry['patient_pays']!r}, FACTS.md says {pays!r}")
    text = f"{entry['title']} {entry['plain']}".lower()
    problems += [
        f"says none of {group}" for group in groups if not any(word in text for word in group)
    ]
    return problems


@pytest.mark.parametrize(
    ("system", "code", "pays", "groups"), MEANINGS, ids=[f"{s}:{c}" for s, c, *_ in MEANINGS]
)
def test_common_code_says_what_the_facts_say(
    system: str, code: str, pays: bool | str | None, groups: tuple[tuple[str, ...], ...]
) -> None:
    entry = _entry(system, code)
    assert entry.get("common"), f"{system} {code} should be common"
    problems = _meaning_problems(entry, pays, groups)
    assert not problems, f"{system} {code}: {problems}"


def test_every_common_code_has_a_meaning_row() -> None:
    rows = {(system, code) for system, code, *_ in MEANINGS}
    assert len(rows) == len(MEANINGS), "a code is listed twice in MEANINGS"
    missing = sorted(set((s, str(e["id"])) for s, e in _common()) - rows)
    assert not missing, f"common codes without a row in MEANINGS: {missing}"


@pytest.mark.parametrize(
    ("system", "code", "wrong"),
    [
        (
            "carc",
            "1",
            {"plain": _entry("carc", "2")["plain"], "title": _entry("carc", "2")["title"]},
        ),
        ("carc", "18", {"patient_pays": True}),
        (
            "carc",
            "253",
            {"plain": _entry("carc", "45")["plain"], "title": "Charged more than allowed"},
        ),
        ("carc", "303", {"patient_pays": "depends"}),
        ("rarc", "MA130", {"plain": "You can appeal this within 120 days."}),
        ("rarc", "MA01", {"plain": "You can appeal within 60 days."}),
        ("rarc", "N781", {"plain": "You owe the deductible.", "title": "Deductible"}),
        ("group", "PR", {"plain": "PR means you may owe this.", "title": "Patient responsibility"}),
        ("group", "CO", {"patient_pays": True}),
    ],
)
def test_a_wrong_meaning_is_caught(system: str, code: str, wrong: dict[str, Any]) -> None:
    """The table bites: the entry with a wrong meaning swapped in fails its row."""
    _, _, pays, groups = next(row for row in MEANINGS if row[:2] == (system, code))
    assert _meaning_problems({**_entry(system, code), **wrong}, pays, groups)


# --- (c) the sums in the examples add up ---------------------------------------------------------

_AMOUNT = r"\$(\d{1,3}(?:,\d{3})*(?:\.\d{2})?)"
_LETTERS = r"[a-záéíóúñü ]"
# name -> (pattern, how to check the captured numbers)
_SUMS: dict[str, tuple[re.Pattern[str], str]] = {
    "minus": (re.compile(rf"{_AMOUNT} minus {_AMOUNT} (?:is|leaves) {_AMOUNT}"), "a-b=c"),
    "menos": (re.compile(rf"{_AMOUNT} menos {_AMOUNT} (?:es|son|deja|dejan) {_AMOUNT}"), "a-b=c"),
    "plus": (
        re.compile(rf"((?:\$[\d,.]+{_LETTERS}*? plus )+\$[\d,.]+{_LETTERS}*?): {_AMOUNT} in all"),
        "sum=c",
    ),
    "más": (
        re.compile(rf"((?:\$[\d,.]+{_LETTERS}*? más )+\$[\d,.]+{_LETTERS}*?): {_AMOUNT} en total"),
        "sum=c",
    ),
    "a − b = c": (re.compile(rf"{_AMOUNT} ?[−–-] ?{_AMOUNT} ?= ?{_AMOUNT}"), "a-b=c"),
    "a + b = c": (re.compile(rf"((?:\$[\d,.]+ ?\+ ?)+\$[\d,.]+) ?= ?{_AMOUNT}"), "sum=c"),
    "of": (
        re.compile(rf"(\d+(?:\.\d+)?)% of (?:the other |the )?{_AMOUNT}, which is {_AMOUNT}"),
        "p%a=b",
    ),
    "de": (
        re.compile(
            rf"(\d+(?:\.\d+)?)% de (?:los otros |las otras |los |las )?{_AMOUNT}, o sea {_AMOUNT}"
        ),
        "p%a=b",
    ),
}
# Words that announce a sum: each must sit inside a phrase that _SUMS checks.
_SUM_WORDS = re.compile(
    r"\bminus\b|\bplus\b|\bin all\b|\$[\d,.]+ menos\b|\ben total\b|\d% (?:of|de) (?:\w+ )*?\$"
    r"|\$[\d,.]+ ?[−–+=-] ?\$|= ?\$",
    re.I,
)


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", "").rstrip("."))


def _amounts(text: str) -> list[Decimal]:
    return sorted(_money(m) for m in re.findall(_AMOUNT, text))


def _percents(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:\.\d+)?%", text))


def sum_problems(text: str) -> tuple[int, list[str]]:
    """(how many sums the text states, the ones that do not add up or cannot be checked)."""
    problems: list[str] = []
    checked: list[tuple[int, int]] = []
    for pattern, rule in _SUMS.values():
        for match in pattern.finditer(text):
            checked.append(match.span())
            if rule == "a-b=c":
                a, b, c = (_money(g) for g in match.groups())
                ok = a - b == c
            elif rule == "sum=c":
                parts = [_money(m) for m in re.findall(_AMOUNT, match.group(1))]
                ok = len(parts) >= 2 and sum(parts) == _money(match.group(2))
            else:
                percent, base, result = (
                    Decimal(match.group(1)),
                    _money(match.group(2)),
                    _money(match.group(3)),
                )
                ok = (percent * base / 100).quantize(Decimal("0.01")) == result
            if not ok:
                problems.append(f"does not add up: {match.group(0)!r}")
    for word in _SUM_WORDS.finditer(text):
        if not any(start <= word.start() < end for start, end in checked):
            problems.append(
                f"a sum this test cannot check: {text[max(0, word.start() - 25) : word.end() + 25]!r}"
            )
    return len(checked), problems


def _examples() -> list[tuple[str, str]]:
    return [
        (f"{system}:{entry['id']}:{field}", entry[field])
        for system in SYSTEMS
        for entry in _entries(system)
        for field in ("example", "example_es")
        if field in entry
    ]


@pytest.mark.parametrize(("label", "text"), _examples(), ids=[label for label, _ in _examples()])
def test_example_sums_add_up(label: str, text: str) -> None:
    _, problems = sum_problems(text)
    assert not problems, f"{label}: {problems}"


@pytest.mark.parametrize(("system", "entry"), _common_with_example(), ids=_with_example_ids())
def test_spanish_example_states_the_same_sums(system: str, entry: dict[str, Any]) -> None:
    assert sum_problems(entry["example"])[0] == sum_problems(entry["example_es"])[0], (
        f"{system} {entry['id']}"
    )


def test_the_examples_do_state_sums() -> None:
    """Guard against a parser that silently matches nothing."""
    stated = sum(sum_problems(text)[0] for _, text in _examples())
    assert stated >= 15, stated


@pytest.mark.parametrize(
    ("text", "sums", "bad"),
    [
        ("So $300 minus $240 leaves $60.", 1, 0),
        ("So $300 minus $240 leaves $50.", 1, 1),
        ("You owe $50 plus $10 coinsurance: $60 in all.", 1, 0),
        ("You owe $50 plus $10 coinsurance: $70 in all.", 1, 1),
        ("You pay $5 plus $10 plus $2.50: $17.50 in all.", 1, 0),
        ("Medicare would pay 80% of the other $50, which is $40.", 1, 0),
        ("You may owe 20% of $100, which is $25.", 1, 1),
        ("Usted debe $50 más $10 de coseguro: $60 en total.", 1, 0),
        ("Así que $250 menos $160 son $80.", 1, 1),
        ("Puede deber el 20% de $100, o sea $20.", 1, 0),
        ("So $300 − $240 = $60.", 1, 0),
        ("So $300 - $240 = $70.", 1, 1),
        ("You pay $5 + $10 + $2.50 = $17.50.", 1, 0),
        ("That is $100 minus $20, or $80.", 0, 1),
        ("That is $100 − $20, or $80.", 0, 1),  # a sum in a shape the test cannot check
        ("Medicare approved $100 and paid $78.40.", 0, 0),
    ],
)
def test_the_sum_checker(text: str, sums: int, bad: int) -> None:
    stated, problems = sum_problems(text)
    assert (stated, len(problems)) == (sums, bad), problems
