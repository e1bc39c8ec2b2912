"""The command line, run as a user runs it: exit codes, text, and the JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, validate_contract

EXAMPLES = ROOT / "examples"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "explainer", *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_explain_prints_the_red_flag_first() -> None:
    result = run("explain", "--notice", str(EXAMPLES / "notice.txt"), "--bill", str(EXAMPLES / "bill.txt"))
    assert result.returncode == 0, result.stderr
    first_flag = result.stdout.index("[RED FLAG]")
    assert first_flag < result.stdout.index("YOUR PAPERS, LINE BY LINE")
    assert "$1.60" in result.stdout and "CO-253" in result.stdout
    assert "Sequestration" in result.stdout  # the code is explained where it appears


def test_explain_json_validates_against_the_contract() -> None:
    result = run(
        "explain", "--json", "--notice", str(EXAMPLES / "notice.txt"), "--bill", str(EXAMPLES / "bill.txt")
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    validate_contract(data)
    assert data["findings"][0]["rule"] == "contractual-billed-to-patient"
    assert data["findings"][0]["amount"] == "1.60"
    kinds = [document["kind"] for document in data["documents"]]
    assert kinds == ["msn", "provider_bill"]
    assert {(c["system"], c["code"]) for c in data["codes"]} >= {("group", "CO"), ("carc", "253")}


def test_plain_files_are_sniffed_whatever_their_name(tmp_path: Path) -> None:
    notice = tmp_path / "scan.pdf.txt"
    notice.write_bytes((EXAMPLES / "notice.txt").read_bytes())
    result = run("explain", "--json", str(notice))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"][0]["kind"] == "msn"


def test_qmb_and_coverage_flags_change_the_rules() -> None:
    result = run(
        "explain", "--json", "--qmb", "--coverage", "original_medicare",
        "--notice", str(EXAMPLES / "notice.txt"), "--bill", str(EXAMPLES / "bill.txt"),
    )
    rules = [finding["rule"] for finding in json.loads(result.stdout)["findings"]]
    assert "qmb-billed" in rules


def test_spanish_output() -> None:
    result = run("explain", "--lang", "es", "--notice", str(EXAMPLES / "notice.txt"), "--bill", str(EXAMPLES / "bill.txt"))
    assert "[ALERTA]" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"hello\nnothing to see\n", "could not find any bill or notice lines"),
        (b"\x00\x01\x02binary", "cannot read"),
    ],
)
def test_unreadable_input_is_a_clear_message_and_non_zero_exit(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "paper.txt"
    path.write_bytes(content)
    result = run("explain", str(path))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_is_a_clear_message() -> None:
    result = run("explain", "--notice", "no-such-file.txt")
    assert result.returncode == 2
    assert "There is no file" in result.stderr and "Traceback" not in result.stderr


def test_stdin_can_be_the_notice() -> None:
    result = run("explain", "--json", "--notice", "-", stdin=(EXAMPLES / "notice.txt").read_bytes())
    assert result.returncode == 0
    assert json.loads(result.stdout)["documents"][0]["source"] == "stdin"


def test_codes_command_finds_co_253() -> None:
    result = run("codes", "--json", "CO-253")
    assert result.returncode == 0, result.stderr
    codes = json.loads(result.stdout)["codes"]
    assert [(c["system"], c["code"]) for c in codes] == [("group", "CO"), ("carc", "253")]
    assert codes[1]["patient_pays"] is False
    assert codes[1]["title_es"]


def test_codes_command_says_when_a_code_is_unknown() -> None:
    result = run("codes", "ZZZ")
    assert result.returncode == 1
    assert "not a code we know" in result.stderr
