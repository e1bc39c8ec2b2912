"""bench/accuracy.py merges per-family score.py results with score.py's own definitions, and
reuses a built zoo only while the generator is unchanged."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCORE = ROOT.parent / "shared" / "tools" / "score.py"


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


accuracy = load(ROOT / "bench" / "accuracy.py", "zoo_accuracy")


def result(lines: tuple[int, int, int], adj: tuple[int, int, int],
           find: tuple[int, int, int, int], false_alerts: int = 0) -> dict[str, Any]:
    return {"ran": True, "lines": list(lines), "adjustments": list(adj), "findings": list(find),
            "false_alerts": false_alerts}


def test_merged_f1_is_score_py_micro_average() -> None:
    cases = [result((3, 4, 5), (1, 1, 2), (1, 1, 2, 1), 2),
             result((0, 2, 1), (0, 0, 0), (0, 0, 0, 1), 1)]
    t = accuracy.tally(cases)
    assert (t["lt"], t["lo"], t["ln"]) == (3, 6, 6)
    assert t["lines_f1"] == pytest.approx(0.5)
    assert t["adj_f1"] == pytest.approx(2 * 1 / 3)
    # findings: recall 1/2, precision 1/2
    assert t["find_f1"] == pytest.approx(0.5)
    assert t["fa"] == 3
    if SCORE.is_file():
        score = load(SCORE, "shared_score")
        assert t["lines_f1"] == pytest.approx(score.f1_one_to_one(3, 6, 6))
        assert t["find_f1"] == pytest.approx(score.f1_pr(1, 2, 1, 2))


def test_a_family_without_truth_items_shows_a_dash() -> None:
    t = accuracy.tally([result((0, 0, 3), (0, 0, 0), (0, 0, 0, 0))])
    table = accuracy.table([("ledger", t)], markdown=True)
    assert "| ledger | 1 | 1 | 0.00 | — | — | 0 |" in table


def test_the_zoo_is_rebuilt_only_when_the_generator_changes(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Path] = []

    def fake_build(out: Path, seed: str, per_family: int) -> int:
        built.append(out)
        return 0

    monkeypatch.setattr(accuracy, "build", fake_build)
    zoo = tmp_path / "zoo"
    zoo.mkdir()
    (zoo / ".generator").write_text(accuracy.generator_hash("s", 2) + "\n")
    accuracy.ensure_zoo(zoo, "s", 2, rebuild=False)
    assert built == []
    accuracy.ensure_zoo(zoo, "other seed", 2, rebuild=False)
    assert built == [zoo]
