"""The code content (content/codes/*.toml): official ids, our own words, Spanish, readability, facts."""

from __future__ import annotations

import csv
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
SHARED = ROOT.parent / "shared"
OFFICIAL_CSV = SHARED / "corpus" / "codes" / "x12_codes_2026-08-17.csv"
FACTS = SHARED / "design" / "FACTS.md"

# code system (file stem) -> its list in the official CSV (None: not an X12 list). A system's
# entries live in content/codes/<stem>.toml and any <stem>_*.toml (explainer.content).
SYSTEMS = {"group": None, "carc": "CARC", "rarc": "RARC", "msn_note": None}
OFFICIAL = {stem: listed for stem, listed in SYSTEMS.items() if listed}

# Readability targets (content/README.md, "Readability").
FK_MEDIAN_MAX = 6.0
FK_PLAIN_MAX = 9.0
FH_MEDIAN_MIN = 70.0

# Copying guard: no run of this many words in a row may match the official text. Seven, not
# eight: MA03 ("ask for a hearing within six months") and B8 stayed too close at eight (issue 15).
COPY_RUN = 7


@cache
def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle, parse_float=Decimal)


def _files(stem: str) -> list[Path]:
    return [CODES / f"{stem}.toml", *sorted(CODES.glob(f"{stem}_*.toml"))]


def _entries(stem: str) -> list[dict[str, Any]]:
    return [entry for path in _files(stem) for entry in _toml(path).get("code", [])]


def _ranges() -> list[dict[str, Any]]:
    return list(_toml(CODES / "procedure.toml").get("range", []))


@cache
def _official() -> dict[tuple[str, str], dict[str, str]]:
    with OFFICIAL_CSV.open(newline="", encoding="utf-8") as handle:
        return {(row["list"], row["code"]): row for row in csv.DictReader(handle)}


def _all_code_entries() -> list[tuple[str, dict[str, Any]]]:
    return [(stem, entry) for stem in SYSTEMS for entry in _entries(stem)]


def _by_id(stem: str) -> dict[str, dict[str, Any]]:
    return {str(entry["id"]): entry for entry in _entries(stem)}


# --- (a) every CARC/RARC id is on the official list ------------------------------------------


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_every_id_is_on_the_official_list(name: str) -> None:
    listed = OFFICIAL[name]
    missing = [e["id"] for e in _entries(name) if (listed, e["id"]) not in _official()]
    assert not missing, f"{name}: not in {OFFICIAL_CSV.name}: {missing}"


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_active_flag_matches_the_official_status(name: str) -> None:
    listed = OFFICIAL[name]
    wrong = []
    for entry in _entries(name):
        status = _official()[(listed, entry["id"])]["status"]
        active = entry.get("active", True)
        if active != (status == "current"):
            wrong.append((entry["id"], status, active))
        if not active and entry.get("official_status") != status:
            wrong.append((entry["id"], status, entry.get("official_status")))
    assert not wrong, f"{name}: (id, official status, ours): {wrong}"


# --- (b) our own words, never X12's ----------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%$']+", text.lower())


def _runs(text: str, size: int = COPY_RUN) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_copy_guard_catches_a_copied_sentence() -> None:
    official = _official()[("CARC", "29")]["description"] + " " + "and some more words here"
    assert _runs("Sadly " + official) & _runs(official)


@pytest.mark.parametrize(
    ("listed", "code", "old_text"),
    [
        (
            "RARC",
            "MA03",
            "If you did not agree with the approved amounts, you could ask for a hearing "
            "within six months.",
        ),
        (
            "CARC",
            "B8",
            "The plan says other services were available and should have been used instead.",
        ),
    ],
)
def test_copy_guard_catches_the_texts_that_stayed_too_close(
    listed: str, code: str, old_text: str
) -> None:
    # Issue 15: these passed an eight-word guard while following the official sentence.
    assert _runs(old_text) & _runs(_official()[(listed, code)]["description"])


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_no_entry_copies_the_official_wording(name: str) -> None:
    listed = OFFICIAL[name]
    copied = []
    for entry in _entries(name):
        official = _runs(_official()[(listed, entry["id"])]["description"])
        for field in ("title", "plain", "what_to_do", "example"):
            shared = _runs(entry.get(field, "")) & official
            if shared:
                copied.append((entry["id"], field, " ".join(sorted(shared)[0])))
    assert not copied, f"{name}: {COPY_RUN}+ words copied from the official text: {copied}"


# --- (c) Spanish beside English ---------------------------------------------------------------


def test_every_code_entry_has_spanish() -> None:
    missing = []
    for name, entry in _all_code_entries():
        for field in ("title", "plain", "what_to_do", "example"):
            if field in entry and not str(entry.get(f"{field}_es", "")).strip():
                missing.append(f"{name}:{entry['id']}:{field}_es")
        if "example_es" in entry and "example" not in entry:
            missing.append(f"{name}:{entry['id']}:example (English)")
    assert not missing, missing


def test_every_procedure_range_has_spanish() -> None:
    missing = [
        f"{r['start']}-{r['end']}:{field}"
        for r in _ranges()
        for field in ("title_es", "plain_es")
        if not str(r.get(field, "")).strip()
    ]
    assert not missing, missing


def test_common_entries_have_a_worked_example() -> None:
    missing = [
        f"{name}:{entry['id']}"
        for name, entry in _all_code_entries()
        if entry.get("common") and name in OFFICIAL and "example" not in entry
    ]
    assert not missing, missing


# --- (d) readability ---------------------------------------------------------------------------


def _english(item: dict[str, Any]) -> str:
    return " ".join(
        item[key].rstrip(".") + "." for key in ("title", "plain", "what_to_do") if key in item
    )


def _spanish(item: dict[str, Any]) -> str:
    return " ".join(
        item[key].rstrip(".") + "."
        for key in ("title_es", "plain_es", "what_to_do_es")
        if key in item
    )


def _readability(items: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    textstat = pytest.importorskip("textstat")
    try:
        textstat.set_lang("en")
        english = {label: textstat.flesch_kincaid_grade(_english(i)) for label, i in items}
        plain = {label: textstat.flesch_kincaid_grade(i["plain"]) for label, i in items}
        textstat.set_lang("es")
        spanish = {label: textstat.fernandez_huerta(_spanish(i)) for label, i in items}
    finally:
        textstat.set_lang("en")
    return {"en": english, "plain": plain, "es": spanish}


def _code_items() -> list[tuple[str, dict[str, Any]]]:
    return [(f"{name}:{entry['id']}", entry) for name, entry in _all_code_entries()]


def _range_items() -> list[tuple[str, dict[str, Any]]]:
    return [(f"{r['start']}-{r['end']}", r) for r in _ranges()]


@pytest.mark.parametrize("items", [_code_items, _range_items], ids=["codes", "procedures"])
def test_readability_targets(items: Any) -> None:
    scores = _readability(items())
    assert statistics.median(scores["en"].values()) <= FK_MEDIAN_MAX
    too_hard = {
        label: round(grade, 1) for label, grade in scores["plain"].items() if grade > FK_PLAIN_MAX
    }
    assert not too_hard, f"'plain' above grade {FK_PLAIN_MAX}: {too_hard}"
    assert statistics.median(scores["es"].values()) >= FH_MEDIAN_MIN


# --- (e) every code FACTS.md names is explained ------------------------------------------------


def _facts_section_3_codes() -> dict[str, set[str]]:
    """The codes in the first column of the CARC and RARC tables of FACTS.md §3."""
    text = FACTS.read_text(encoding="utf-8")
    section = text.split("\n## 3.", 1)[1].split("\n## 4.", 1)[0]
    found: dict[str, set[str]] = {"CARC": set(), "RARC": set()}
    table = None
    for line in section.splitlines():
        if not line.startswith("|"):
            table = None  # a table ends at the first line that is not a row
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] in found:  # a table's header row names its list
            table = cells[0]
            continue
        if table is None or set(cells[0]) <= {"-", ":"}:
            continue
        for code in cells[0].split("/"):
            code = code.strip()
            if re.fullmatch(r"[A-Z]{0,2}\d{1,3}", code):
                found[table].add(code)
    return found


# FACTS.md names these outside the §3 tables: §1.6 (253, and 223 before it), §2 (OA-23, OA-18,
# OA-209) and §6 (MA130, MA02).
FACTS_OTHER_SECTIONS = {"CARC": {"253", "223", "23", "18", "209"}, "RARC": {"MA130", "MA02"}}


def test_facts_tables_were_parsed() -> None:
    parsed = _facts_section_3_codes()
    assert {"1", "45", "253", "303"} <= parsed["CARC"]
    assert {"MA01", "MA130", "N781", "N782", "N783"} <= parsed["RARC"]


@pytest.mark.parametrize(("listed", "name"), [("CARC", "carc"), ("RARC", "rarc")])
def test_every_code_named_in_facts_is_present(listed: str, name: str) -> None:
    wanted = _facts_section_3_codes()[listed] | FACTS_OTHER_SECTIONS[listed]
    missing = sorted(wanted - set(_by_id(name)))
    assert not missing, f"{name} lacks codes named in FACTS.md: {missing}"


# --- (f) who pays: facts from FACTS.md §1.7, §2, §3, §5 ----------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "pays"),
    [
        ("group", "CO", False),  # FACTS.md §2 (Noridian: may not be billed)
        ("group", "PR", True),  # FACTS.md §2
        ("carc", "253", False),  # FACTS.md §1.7: never the patient's on assigned claims
        ("carc", "209", False),  # FACTS.md §2/§3: provider cannot collect from patient
        ("carc", "303", False),  # FACTS.md §3: QMB protection, CO only
        ("carc", "18", False),  # FACTS.md §3: duplicate, not a patient charge
        ("rarc", "N781", False),  # FACTS.md §3/§5: QMB, no deductible may be collected
        ("rarc", "N782", False),  # QMB, no coinsurance
        ("rarc", "N783", False),  # QMB, no copay
    ],
)
def test_patient_pays_follows_the_facts(name: str, code: str, pays: bool) -> None:
    assert _by_id(name)[code]["patient_pays"] is pays


def test_patient_pays_values_are_valid() -> None:
    bad = [
        (name, e["id"], e["patient_pays"])
        for name, e in _all_code_entries()
        if not (isinstance(e["patient_pays"], bool) or e["patient_pays"] == "depends")
    ]
    assert not bad, bad


def test_sequestration_entry_explains_assigned_and_unassigned() -> None:
    entry = _by_id("carc")["253"]
    plain = entry["plain"].lower()
    assert "assigned" in plain and "unassigned" in plain
    # What 'unassigned' means is said, not assumed (issue 15).
    assert "did not accept assignment" in plain and "full payment" in plain


@pytest.mark.parametrize("field", ["title", "plain", "title_es", "plain_es"])
def test_sequestration_entry_hard_codes_no_rate(field: str) -> None:
    # The rate depends on the date of service: 1% for 2022-04-01..06-30, 0% in 2020-21 (FACTS §1.1).
    assert "%" not in _by_id("carc")["253"][field]


def test_ma130_says_resubmit_not_appeal() -> None:
    entry = _by_id("rarc")["MA130"]
    assert "appeal" in entry["plain"].lower() and "new" in entry["plain"].lower()


def test_msn_notes_have_no_entries_until_the_texts_are_retrieved() -> None:
    # FACTS.md §4: the MSN message texts (MCPM ch. 21 §40) were not retrieved.
    assert _entries("msn_note") == []


# --- procedure ranges --------------------------------------------------------------------------


def test_procedure_ranges_are_well_formed() -> None:
    bad = [
        (r["start"], r["end"])
        for r in _ranges()
        if len(r["start"]) != len(r["end"]) or r["start"] > r["end"]
    ]
    assert not bad, bad


def test_every_procedure_range_is_reachable() -> None:
    """A range inside an earlier range would never be chosen: specific ranges go first."""
    from explainer.content import load_library

    ranges = load_library().procedures
    hidden = [
        (later.start, later.end, earlier.start, earlier.end)
        for j, later in enumerate(ranges)
        for earlier in ranges[:j]
        if earlier.covers(later.start) and earlier.covers(later.end)
    ]
    assert not hidden, f"(range, hidden by earlier range): {hidden}"


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("99214", "Office visit"),
        ("99232", "Hospital visit"),
        ("99284", "Emergency room visit"),
        ("99396", "Preventive visit (checkup)"),
        ("00840", "Anesthesia"),
        ("36415", "Blood draw"),
        ("71046", "X-ray or scan"),
        ("80053", "Lab test"),
        ("90686", "Shot or vaccine"),
        ("97110", "Physical therapy or rehab"),
        ("G0439", "Annual wellness visit"),
        ("J1100", "Drug given by the provider"),
        ("E0601", "Medical equipment (DME)"),
        ("A0427", "Ambulance or other medical ride"),
    ],
)
def test_common_procedure_codes_get_their_lay_category(code: str, title: str) -> None:
    first = next(
        r for r in _ranges() if len(code) == len(r["start"]) and r["start"] <= code <= r["end"]
    )
    assert first["title"] == title


# --- the loader accepts these files ------------------------------------------------------------


def test_the_loader_accepts_the_code_files() -> None:
    """load_library() reports no problem in the code files (other content is tested elsewhere)."""
    from explainer.content import load_library
    from explainer.errors import ContentError

    try:
        library = load_library(ROOT / "content")
    except ContentError as error:
        ours = [p for p in error.problems if "codes/" in p]
        assert not ours, ours
        pytest.skip(f"other content files are not valid yet: {error.problems[:3]}")
    systems = {system.value: system for system, _ in library.codes}
    for stem in ("carc", "rarc"):
        loaded = {code for system, code in library.codes if system == systems[stem]}
        assert loaded == {str(e["id"]).upper() for e in _entries(stem)}
    assert len(library.procedures) == len(_ranges())
