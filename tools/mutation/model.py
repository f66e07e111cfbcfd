"""One mutant: a single exact text replacement in one file, and the tests that must notice it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    """A planted bug.

    ``old`` must occur exactly once in ``target`` (else the catalogue is out of date: an error,
    never a silent skip); ``new`` replaces it. ``tests`` are pytest paths (files or node ids) of
    the *default* suite run against the mutant; it is killed when they fail. ``equivalent`` is
    the reason when the mutant cannot change any observable behaviour (it is then expected to
    survive, and the reason is published with the results).
    """

    id: str
    target: str
    description: str
    old: str
    new: str
    tests: tuple[str, ...]
    equivalent: str | None = None

    def __post_init__(self) -> None:
        if self.old == self.new:
            raise ValueError(f"mutant {self.id}: old and new text are identical")
        if not self.tests:
            raise ValueError(f"mutant {self.id}: no tests to run")
