"""The engine's shape: no web framework inside, a pinned public API, validated content."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from shutil import copytree

import pytest

import explainer
from explainer.content import load_library
from explainer.errors import ContentError
from tests.conftest import ROOT


def test_engine_does_not_load_the_web_framework() -> None:
    code = (
        "import sys, explainer, explainer.cli, explainer.explain;"
        "from explainer import explain_uploads, Upload, Role;"
        "explain_uploads([Upload(open('examples/notice.txt','rb').read(), 'n', Role.NOTICE)]);"
        "bad = [m for m in ('flask', 'werkzeug', 'wtforms', 'flask_wtf') if m in sys.modules];"
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


def test_public_api_is_pinned() -> None:
    assert sorted(explainer.__all__) == [
        "Adjustment", "Answers", "Claim", "CodeExplanation", "ContentError", "Coverage", "Document",
        "DocumentKind", "ExplainerError", "Explanation", "Finding", "Format", "Group", "LimitExceeded",
        "Role", "ServiceLine", "Severity", "UnreadableDocument", "UnsupportedDocument", "Upload",
        "explain", "explain_uploads", "read_uploads",
    ]


def test_shipped_content_is_valid() -> None:
    library = load_library()
    rules_md = (ROOT.parent / "shared" / "design" / "RULES.md").read_text()
    catalogue = {line.split("`")[1] for line in rules_md.splitlines() if line.startswith("| `")}
    assert catalogue <= set(library.findings), catalogue - set(library.findings)


@pytest.fixture
def broken_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    copytree(ROOT / "content", root)
    group = root / "codes" / "group.toml"
    text = group.read_text()
    text = text.replace('id = "PI"', 'id = "CO"', 1)  # a duplicate id
    text = text.replace("patient_pays = false", 'patient_pays = "maybe"', 1)
    text += '\n[[code]]\nid = "XX"\ntitle = "x"\n'  # missing keys
    group.write_text(text)
    return root


def test_every_content_problem_is_reported_at_once(broken_content: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_library(broken_content)
    problems = "\n".join(caught.value.problems)
    assert "duplicate id 'CO'" in problems
    assert "patient_pays must be" in problems
    assert "missing key 'plain'" in problems
    assert problems.count("codes/group.toml") >= 3


def test_printed_sources_point_at_official_lists_not_our_design_notes() -> None:
    from explainer.codes import public_source

    for entry in load_library().codes.values():
        shown = public_source(entry.explain())
        assert "FACTS.md" not in shown and "shared/" not in shown, shown
        if entry.system.value in {"carc", "rarc"}:
            assert "x12.org" in shown
