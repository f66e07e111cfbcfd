"""Applying mutants, and checking that every anchor still matches the code exactly once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tools.mutation.model import Mutant


class AnchorError(Exception):
    """A mutant whose ``old`` text is not found exactly once in its target (re-anchor it)."""


def anchor_problems(root: Path, mutants: Iterable[Mutant]) -> list[str]:
    """One line per mutant that cannot be applied cleanly (missing file, 0 or 2+ matches,
    missing test path, duplicate id); empty when the whole catalogue applies."""
    problems: list[str] = []
    seen: set[str] = set()
    for m in mutants:
        if m.id in seen:
            problems.append(f"{m.id}: duplicate mutant id")
        seen.add(m.id)
        path = root / m.target
        if not path.is_file():
            problems.append(f"{m.id}: target {m.target} does not exist")
            continue
        count = path.read_text(encoding="utf-8").count(m.old)
        if count != 1:
            problems.append(f"{m.id}: the old text occurs {count} times in {m.target} "
                            f"(must be exactly once): {m.old.strip()[:70]!r}")
        for test in m.tests:
            test_path = root / test.split("::")[0]
            if not test_path.exists():
                problems.append(f"{m.id}: test path {test} does not exist")
    return problems


def check_catalogue(root: Path, mutants: Iterable[Mutant]) -> None:
    """Raise :class:`AnchorError` listing every problem (loudly: all of them at once)."""
    problems = anchor_problems(root, mutants)
    if problems:
        raise AnchorError("the mutation catalogue no longer matches the code:\n  "
                          + "\n  ".join(problems))


def apply_mutant(root: Path, m: Mutant) -> str:
    """Write the mutant into ``root`` (a scratch copy); return the original text to restore."""
    path = root / m.target
    original = path.read_text(encoding="utf-8")
    if original.count(m.old) != 1:
        raise AnchorError(f"{m.id}: the old text occurs {original.count(m.old)} times in "
                          f"{m.target}")
    path.write_text(original.replace(m.old, m.new, 1), encoding="utf-8")
    return original


def restore(root: Path, m: Mutant, original: str) -> None:
    (root / m.target).write_text(original, encoding="utf-8")
