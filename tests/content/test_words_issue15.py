"""Content fixes from issue 15, each pinned so it cannot quietly come back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat

from explainer.codes import OUR_NOTES, public_source
from explainer.content import CONTENT_DIR, load_library
from explainer.content_check import source_problems
from explainer.model import CodeExplanation, CodeSystem

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"


def _code(system: str, code: str) -> dict[str, str]:
    entry = load_library().codes[(CodeSystem(system), code)]
    return {
        **{key: str(value) for key, value in entry.texts["en"].items()},
        **{f"{key}_es": str(value) for key, value in entry.texts["es"].items()},
    }


def _rule(rule: str, lang: str) -> dict[str, object]:
    return dict(load_library().findings[rule][lang])


def test_pr_does_not_extend_qmb_protection_to_all_medicaid() -> None:
    pr = _code("group", "PR")
    assert "QMB or Medicaid" not in pr["what_to_do"]
    assert "state" in pr["what_to_do"]
    assert "QMB o Medicaid" not in pr["what_to_do_es"] and "estado" in pr["what_to_do_es"]


def test_pr_45_names_the_limiting_charge_and_qmb() -> None:
    carc45 = _code("carc", "45")
    assert "limiting charge" in carc45["plain"] and "QMB" in carc45["plain"]
    assert "cargo límite" in carc45["plain_es"] and "QMB" in carc45["plain_es"]


def test_co_says_its_one_exception_on_unassigned_claims() -> None:
    co = _code("group", "CO")
    assert "253" in co["plain"] and "did not accept assignment" in co["plain"]
    assert "253" in co["plain_es"]


def test_254_spanish_title_does_not_send_the_patient_to_the_doctor() -> None:
    title = _code("carc", "254")["title_es"]
    assert "envíelo" not in title and "proveedor" in title


def test_oa_spanish_keeps_most_often_you_do_not_owe_it() -> None:
    assert "no lo debe" in _code("group", "OA")["plain_es"]


def _spanish_texts() -> list[str]:
    """Everything we say (codes, findings, messages, letters, page words); not the input
    vocabularies (content/ledger.toml reads 'reclamo enviado' on a bill, as printed)."""
    said = [
        *(CONTENT_DIR / "codes").glob("*.toml"),
        *(CONTENT_DIR / "findings").glob("*.toml"),
        CONTENT_DIR / "messages.toml",
        CONTENT_DIR / "letters.toml",
    ]
    texts = [path.read_text(encoding="utf-8") for path in said]
    msgstrs = re.findall(r'^msgstr "(.*)"$', PO.read_text(encoding="utf-8"), re.MULTILINE)
    return [*texts, *msgstrs]


def test_one_spanish_word_for_claim_everywhere() -> None:
    assert not [t for t in _spanish_texts() if re.search(r"\breclamos?\b", t)]


def test_sequestration_is_never_kidnapping_in_spanish() -> None:
    assert not [t for t in _spanish_texts() if re.search(r"secuestro", t, re.IGNORECASE)]
    cut = _rule("contractual-billed-to-patient", "es")["part_sequestration"]
    assert "recorte automático del presupuesto federal" in str(cut)
    assert "sequestration" in str(cut)  # the English term, for matching the papers


def test_contractual_finding_hard_codes_no_rate() -> None:
    for lang in ("en", "es"):
        assert "%" not in str(_rule("contractual-billed-to-patient", lang)["part_sequestration"])


def test_qmb_billed_detail_is_plain() -> None:
    detail = str(_rule("qmb-billed", "en")["detail"])
    filled = detail.format(asked="$21.60", service="office visit (99214) on March 4, 2025")
    textstat.set_lang("en")
    assert textstat.flesch_kincaid_grade(filled) <= 7.0
    assert "remit" not in detail.lower()


def test_did_not_accept_assignment_is_explained() -> None:
    assert "full payment" in str(_rule("limiting-charge-exceeded", "en")["detail"])
    assert "pago total" in str(_rule("limiting-charge-exceeded", "es")["detail"])
    assert "full payment" in _code("carc", "253")["plain"]


def test_no_source_shown_to_users_points_at_our_design_files() -> None:
    assert source_problems(load_library()) == []


@pytest.mark.parametrize(
    "note",
    [
        "FACTS.md §6 (1-800-MEDICARE)",
        "RULES.md qmb-billed",
        "§1.7 (2 U.S.C. 906(d)(5); 42 CFR 424.55) and §6 (1-800-MEDICARE)",
    ],
)
def test_our_notes_are_caught_and_the_laws_they_cite_kept(note: str) -> None:
    assert OUR_NOTES.search(note)
    shown = public_source(CodeExplanation(CodeSystem.CARC, "253", "t", "p", False, source=note))
    assert not OUR_NOTES.search(shown)
    assert "x12.org" in shown
    if "U.S.C." in note:
        assert "2 U.S.C. 906(d)(5)" in shown and "42 CFR 424.55" in shown


def test_laws_cited_by_section_are_not_our_notes() -> None:
    assert not OUR_NOTES.search("SSA §1902(n)(3)(B); 42 U.S.C. 1396a(n)(3)(B)")
