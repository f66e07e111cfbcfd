"""The package layers, checked statically (an AST scan of every import, lazy ones included).

* ``simulators/`` imports none of ``constructions``, ``proofs_checks``, ``experiments``,
  ``examples``, ``benchmarks``, ``tests``;
* ``constructions/`` imports none of ``proofs_checks``, ``experiments``, ``benchmarks``,
  ``tests``; and from the PRAM package only what parses, compiles and binds a program (plus the
  one instruction-semantics definition its arithmetic tables are derived from) -- never the
  reference machine's execution: a construction must compute the run, not ask the machine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Modules of simulators.pram a construction may import: program text -> compiled program ->
#: bound sizes and memory; the command-line input readers; the instruction semantics (tables).
PRAM_ALLOWED = {"binding", "compiler", "isa", "parser", "syntax", "grammar", "inputs", "listing",
                "semantics", "example_inputs"}
PRAM_PACKAGE = "simulators.pram"
UPPER = ("constructions", "proofs_checks", "experiments", "examples", "benchmarks", "tests")


def _python_files(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if ".venv" not in p.parts)


def _imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """``(line, module, names)`` for every import statement (``names`` empty for ``import m``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, tuple(a.name for a in node.names)))
    return found


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _package_sources() -> dict[str, str]:
    """Name exported by ``simulators/pram/__init__.py`` -> the submodule it comes from."""
    init = ROOT / "simulators" / "pram" / "__init__.py"
    out = {}
    for _, module, names in _imports(init):
        for name in names:
            out[name] = module
    return out


def pram_violations(path: Path) -> list[str]:
    """Imports of the PRAM package beyond parsing / compiling / binding."""
    exported = _package_sources()
    bad = []
    for line, module, names in _imports(path):
        if module == PRAM_PACKAGE:
            if not names:
                bad.append(f"{_rel(path)}:{line}: import {module} (whole package)")
            for name in names:
                source = exported.get(name, f"{PRAM_PACKAGE}.{name}")
                if source.rsplit(".", 1)[-1] not in PRAM_ALLOWED:
                    bad.append(f"{_rel(path)}:{line}: {name} (from {source})")
        elif module.startswith(PRAM_PACKAGE + "."):
            sub = module[len(PRAM_PACKAGE) + 1:].split(".")[0]
            if sub not in PRAM_ALLOWED:
                bad.append(f"{_rel(path)}:{line}: {module}")
    return bad


def layer_violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in _python_files(package):
        for line, module, _ in _imports(path):
            if module.split(".")[0] in forbidden:
                bad.append(f"{_rel(path)}:{line}: imports {module}")
    return bad


def test_simulators_import_nothing_above_them() -> None:
    assert layer_violations("simulators", UPPER) == []


def test_constructions_import_no_checks_experiments_or_tests() -> None:
    assert layer_violations("constructions", UPPER[1:]) == []


def test_constructions_never_execute_the_reference_machine() -> None:
    bad = [v for path in _python_files("constructions") for v in pram_violations(path)]
    assert bad == [], "constructions may only parse, compile and bind PRAM programs:\n" + \
        "\n".join(bad)


@pytest.mark.parametrize(("source", "expected"), [
    ("from simulators.pram import run\n", 1),
    ("from simulators.pram import RunResult, load_program\n", 1),
    ("from simulators.pram.machine import run\n", 1),
    ("from simulators.pram.sequential import run_sequential\n", 1),
    ("import simulators.pram\n", 1),
    ("def f():\n    from simulators.pram import run as r\n    return r\n", 1),
    ("from simulators.pram import bind, load_program, compile_source\n", 0),
    ("from simulators.pram.isa import CompiledProgram\n", 0),
    ("from simulators.pram.semantics import BIN_CODES\n", 0),
])
def test_the_scan_catches_machine_imports(tmp_path: Path, source: str, expected: int) -> None:
    """The check itself can fail: planted imports of the machine are reported."""
    f = tmp_path / "probe.py"
    f.write_text(source, encoding="utf-8")
    assert len(pram_violations(f)) == expected
