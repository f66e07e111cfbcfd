"""Hygiene that keeps the checks honest.

* ``tests/`` and ``proofs_checks/`` never import each other: shared strategies and fixtures live
  in :mod:`simulators.testing` (or beside the construction they draw from), so either suite runs
  on its own and a helper has one definition.
* No ``pytest.importorskip`` of the project's own packages: a broken import of our code must fail
  the run, not silently skip the checks that depend on it.
* The default Hypothesis profile is not derandomised and every run forces a printed seed
  (conftest.py), so CI explores new inputs each time and a failure can be replayed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("simulators", "constructions", "experiments", "proofs_checks", "tests",
                    "benchmarks", "examples")


def _python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import statement in ``path``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def cross_imports(folder: str, forbidden: str) -> list[str]:
    return [f"{p.relative_to(ROOT)}:{line}: imports {mod}"
            for p in _python_files(folder) for line, mod in imported_modules(p)
            if mod == forbidden or mod.startswith(forbidden + ".")]


@pytest.mark.parametrize(("folder", "forbidden"), [("tests", "proofs_checks"),
                                                   ("proofs_checks", "tests")])
def test_tests_and_proofs_checks_do_not_import_each_other(folder: str, forbidden: str) -> None:
    assert cross_imports(folder, forbidden) == []


def importorskips_of_project(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each ``importorskip("<project package>...")`` call in ``path``."""
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", ""))
                == "importorskip" and node.args and isinstance(node.args[0], ast.Constant)):
            name = str(node.args[0].value)
            if name.split(".")[0] in PROJECT_PACKAGES:
                bad.append((node.lineno, name))
    return bad


def test_no_importorskip_of_the_projects_own_packages() -> None:
    files = [p for folder in ("tests", "proofs_checks", "benchmarks", "experiments")
             for p in _python_files(folder)]
    assert [(str(p.relative_to(ROOT)), hit) for p in files
            for hit in importorskips_of_project(p)] == []


def test_the_checkers_can_fail(tmp_path: Path) -> None:
    """The two scanners above find what they look for (so their empty results mean something)."""
    sample = tmp_path / "sample.py"
    sample.write_text("import pytest\nfrom proofs_checks.report import record\n"
                      "m = pytest.importorskip('constructions.pram_mdm')\n"
                      "t = pytest.importorskip('torch')\n", encoding="utf-8")
    assert (2, "proofs_checks.report") in imported_modules(sample)
    assert importorskips_of_project(sample) == [(3, "constructions.pram_mdm")]


def test_default_profile_is_random_and_seeded(pytestconfig: pytest.Config) -> None:
    assert not settings.get_profile("default").derandomize
    assert not settings.get_profile("thorough").derandomize
    seed = pytestconfig.getoption("hypothesis_seed")
    assert seed is not None and str(seed).strip() != ""
    from hypothesis import core

    assert str(core.global_force_seed) == str(seed)  # what Hypothesis actually uses
