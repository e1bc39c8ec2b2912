"""Big remittances (issue 14): the CLI's limits profile, and text and JSON that stay bounded."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from explainer import Answers, explain
from explainer.content import library
from explainer.errors import LimitExceeded
from explainer.explain import explain_uploads
from explainer.extract.era import extract_era
from explainer.limits import (
    LOCAL,
    LOCAL_MAX_BYTES_UNKNOWN,
    MAX_CLAIMS,
    MEMORY_PER_FILE_BYTE,
    WEB,
    Limits,
    local_max_bytes,
    read_within_limits,
)
from explainer.model import Explanation
from explainer.present.json import explanation_to_dict
from explainer.present.json_stream import write_json
from explainer.present.summary import CLAIMS_LISTED, FINDINGS_PER_RULE
from explainer.present.text import render_text
from explainer.read.upload import MAX_UPLOAD_BYTES, Role, Upload, read_upload
from tests.conftest import ROOT, validate_contract
from tests.x12_factory import Payment, build_835, denied_claim, many_claims

# --- the two profiles ------------------------------------------------------------------------


def test_the_web_keeps_its_caps_and_the_command_line_has_none_but_memory() -> None:
    assert WEB.claims == MAX_CLAIMS and WEB.upload_bytes == MAX_UPLOAD_BYTES and WEB.timed
    assert LOCAL.claims is None and LOCAL.lines is None and not LOCAL.timed
    assert LOCAL.upload_bytes == local_max_bytes()


def test_the_command_line_size_cap_is_what_half_the_memory_can_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 8 * 1024**3 // 4096}  # an 8 GB laptop
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])
    # bench/bench_x12big.py: 10 bytes of memory a byte of 835; half of 8 GB reads 409 MB,
    # so a 50,000-claim production file (about 60 MB) passes.
    assert local_max_bytes() == 4 * 1024**3 // MEMORY_PER_FILE_BYTE
    assert local_max_bytes() > 60 * 1024 * 1024
    pages["SC_PHYS_PAGES"] = 256 * 1024**2 // 4096  # a tiny machine: never below the web's 20 MB
    assert local_max_bytes() == MAX_UPLOAD_BYTES

    def unknown(name: str) -> int:
        raise ValueError(name)

    monkeypatch.setattr(os, "sysconf", unknown)
    assert local_max_bytes() == LOCAL_MAX_BYTES_UNKNOWN


def test_a_profile_caps_claims_and_no_cap_means_none() -> None:
    upload = Upload(build_835(many_claims(4, lines=1)), "remit.835", Role.NOTICE)
    three = Limits(upload_bytes=None, claims=3, lines=None, timed=True)
    with pytest.raises(LimitExceeded, match=r"4 claims\. We explain up to 3 claims"):
        read_within_limits([upload], three)
    documents = read_within_limits([upload], LOCAL)
    assert sum(len(document.claims) for document in documents) == 4


def test_the_size_cap_comes_from_the_profile() -> None:
    data = build_835(many_claims(3, lines=1))
    with pytest.raises(LimitExceeded, match="too big"):
        read_upload(Upload(data, "remit.835"), max_bytes=len(data) - 1)
    assert read_upload(Upload(data, "remit.835"), max_bytes=None)[0].claims


def test_the_command_line_explains_more_claims_than_the_web_takes() -> None:
    assert WEB.claims is not None
    data = build_835(many_claims(WEB.claims + 1, lines=1))
    with pytest.raises(LimitExceeded, match="claims"):
        explain_uploads([Upload(data, "big.835", Role.NOTICE)])  # the web's default profile
    result = subprocess.run(  # the user's own file, through stdin, as `bill-explainer` reads it
        [sys.executable, "-m", "explainer", "explain", "--json", "-"],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    answer = json.loads(result.stdout)
    assert len(answer["documents"][0]["claims"]) == WEB.claims + 1


# --- the text stays readable -----------------------------------------------------------------


def denied_batch(count: int) -> Explanation:
    """`count` denied claims: `count` line-denied findings, one claim of one line each."""
    payment = Payment(claims=tuple(denied_claim(f"D{number:05d}") for number in range(count)))
    return explain(extract_era(build_835(payment), "remit.835"), Answers())


def test_text_prints_the_first_findings_of_a_kind_and_counts_the_rest() -> None:
    explanation = denied_batch(CLAIMS_LISTED + 37)
    denied = [f for f in explanation.findings if f.rule == "line-denied"]
    assert len(denied) == CLAIMS_LISTED + 37
    text = render_text(explanation, library())
    assert text.count(denied[0].title) == FINDINGS_PER_RULE + 1  # ten printed, one in the count
    left = len(denied) - FINDINGS_PER_RULE
    assert f"…and {left:,} more findings like “{denied[0].title}”" in text
    assert "--json" in text


def test_text_lists_the_first_claims_and_says_how_many_more() -> None:
    explanation = denied_batch(CLAIMS_LISTED + 37)
    text = render_text(explanation, library())
    assert "Claim D00000" in text and f"Claim D{CLAIMS_LISTED - 1:05d}" in text
    assert f"Claim D{CLAIMS_LISTED:05d}" not in text
    assert "…and 37 more claims (37 service lines) not listed here" in text


def test_text_of_a_small_remit_is_whole_and_says_nothing_about_more() -> None:
    text = render_text(denied_batch(3), library())
    assert "more claims" not in text and "more findings" not in text
    assert "Claim D00002" in text


def test_spanish_text_counts_in_spanish() -> None:
    payment = Payment(claims=tuple(denied_claim(f"D{n:05d}") for n in range(CLAIMS_LISTED + 2)))
    explanation = explain(extract_era(build_835(payment), "r.835"), Answers(lang="es"))
    text = render_text(explanation, library())
    assert "…y 2 reclamaciones más (2 líneas de servicio)" in text


# --- the JSON stays fast and equal -----------------------------------------------------------


def test_streamed_json_parses_to_exactly_the_contract() -> None:
    explanation = denied_batch(40)
    out = io.StringIO()
    write_json(explanation, out, stream_from=1)
    streamed = json.loads(out.getvalue())
    assert streamed == explanation_to_dict(explanation)
    validate_contract(streamed)
    assert out.getvalue().count("\n") < 200  # one line a claim and a finding, not one a field


def test_small_json_is_written_indented_as_before() -> None:
    explanation = denied_batch(2)
    out = io.StringIO()
    write_json(explanation, out)
    indented = json.dumps(explanation_to_dict(explanation), indent=2, ensure_ascii=False) + "\n"
    assert out.getvalue() == indented


def test_streamed_json_of_nothing_found_is_still_the_contract() -> None:
    explanation = explain(extract_era(build_835(Payment()), "empty.835"), Answers())
    out = io.StringIO()
    write_json(explanation, out, stream_from=0)
    assert json.loads(out.getvalue()) == explanation_to_dict(explanation)


# --- memory: one object per distinct amount, date and adjustment -----------------------------


def test_repeated_amounts_dates_and_adjustments_are_one_object_each() -> None:
    (document,) = extract_era(build_835(many_claims(3, lines=2)), "remit.835")
    first, second = document.claims[0].lines[0], document.claims[2].lines[0]
    assert first is not second and first.where != second.where
    assert first.adjustments[0] is second.adjustments[0]  # the same CO 45 on every claim
    assert first.allowed is second.allowed and first.date_of_service is second.date_of_service


def test_a_bad_quantity_is_still_warned_about_on_every_line() -> None:
    data = build_835(many_claims(2, lines=1)).replace(b"*CO*45*50", b"*CO*45*50*X1")
    (document,) = extract_era(data, "remit.835")
    assert sum("“X1” is not an amount" in warning for warning in document.warnings) == 2
