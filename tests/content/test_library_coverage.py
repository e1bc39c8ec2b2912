"""Every code on the official lists has our entry, with the right status (issue: code library)."""

from __future__ import annotations

import csv
import subprocess
import sys

from explainer.content import load_library
from explainer.content_check import coverage_problems, official_codes
from explainer.model import CodeSystem
from tests.conftest import CORPUS, ROOT


def test_shipped_list_matches_the_official_scrape() -> None:
    with (CORPUS / "codes" / "x12_codes_2026-08-17.csv").open(newline="", encoding="utf-8") as handle:
        scraped = {
            (CodeSystem(row["list"].lower()), row["code"]): row["status"] for row in csv.DictReader(handle)
        }
    assert official_codes() == scraped


def test_every_official_code_has_an_entry_in_both_languages() -> None:
    library = load_library()
    assert coverage_problems(library, official_codes()) == []
    for key in official_codes():
        texts = library.codes[key].texts
        assert texts["en"]["plain"] and texts["es"]["plain"], key


def test_a_missing_entry_or_wrong_status_is_reported() -> None:
    library = load_library()
    official = dict(official_codes())
    official[(CodeSystem.CARC, "999")] = "current"
    official[(CodeSystem.CARC, "253")] = "deactivated"
    problems = coverage_problems(library, official)
    assert "no entry for carc 999" in problems
    assert any(problem.startswith("carc 253: active=True") for problem in problems)


def test_check_content_command_reports_counts_and_readability() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "explainer", "check-content"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "official lists: carc 407, rarc 1216; without our entry or with a wrong status: 0" in result.stdout
    assert "readability (English Flesch–Kincaid grade" in result.stdout
