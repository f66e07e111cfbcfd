"""The mutation catalogue still applies to the code (without running any mutant).

Every mutant's old text must occur exactly once in its target, and its tests must exist: a
catalogue that silently stopped matching would report nothing and look like a pass. The
mutants themselves run with ``make mutation`` (docs/mutation.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from tools.mutation.apply import anchor_problems
from tools.mutation.catalogue import CATALOGUE
from tools.mutation.model import Mutant

ROOT = Path(__file__).resolve().parents[2]
#: Areas the catalogue must reach: the machine, g, the grammars and every construction.
AREAS = ("simulators/pram/", "simulators/processes/transition.py", "simulators/grammars/",
         "constructions/pram_mdm/", "constructions/pram_apmdm/", "constructions/dyck_apmdm/",
         "constructions/masked_arm/", "constructions/parity")


def test_every_mutant_applies_exactly_once() -> None:
    assert anchor_problems(ROOT, CATALOGUE) == []


def test_the_catalogue_is_broad() -> None:
    assert len(CATALOGUE) >= 40
    for area in AREAS:
        assert any(m.target.startswith(area) for m in CATALOGUE), f"no mutant in {area}"
    assert any("shortcut" in m.id for m in CATALOGUE)


def test_only_default_suite_files_are_used() -> None:
    for m in CATALOGUE:
        for t in m.tests:
            assert t.startswith(("tests/", "proofs_checks/")), (m.id, t)
            assert "--run-slow" not in t and "slow" not in Path(t).stem, (m.id, t)


def test_anchor_check_reports_a_stale_mutant(tmp_path: Path) -> None:
    """The check itself can fail: a missing anchor, a doubled one and a missing test all show."""
    (tmp_path / "a.py").write_text("x = 1\ny = 1\n", encoding="utf-8")
    (tmp_path / "t.py").write_text("", encoding="utf-8")
    stale = [Mutant("gone", "a.py", "d", "z = 2", "z = 3", ("t.py",)),
             Mutant("twice", "a.py", "d", " = 1", " = 2", ("t.py",)),
             Mutant("no-test", "a.py", "d", "x = 1", "x = 2", ("missing.py",)),
             Mutant("ok", "a.py", "d", "x = 1", "x = 2", ("t.py",))]
    problems = anchor_problems(tmp_path, stale)
    assert [p.split(":")[0] for p in problems] == ["gone", "twice", "no-test"]


def test_published_results_match_the_catalogue() -> None:
    """docs/results/mutation.json covers exactly the catalogue and its counts add up."""
    path = ROOT / "docs" / "results" / "mutation.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    rows = doc["mutants"]
    assert [r["id"] for r in rows] == [m.id for m in CATALOGUE]
    assert doc["total"] == len(rows) and doc["killed"] == sum(r["killed"] for r in rows)
    for r in rows:
        assert set(r) >= {"id", "target", "description", "killed", "equivalent", "reason"}
        assert r["killed"] or r["equivalent"], f"{r['id']} survived and is not equivalent"
    assert doc["provenance"]["git_commit"]
