"""docs/encoder.md stays in step with the code: every primitive and mode is documented, and the
worked example's dump is what the code prints."""

from __future__ import annotations

from pathlib import Path

from simulators.encoder import MODES, PREDICATES, PRIMITIVES
from simulators.encoder.library import LIBRARY, most_recent_write_program

DOC = Path(__file__).resolve().parents[2] / "docs" / "encoder.md"


def test_every_primitive_mode_predicate_and_program_is_documented() -> None:
    text = DOC.read_text()
    for name in list(PRIMITIVES) + list(MODES) + [f'"{p}"' for p in PREDICATES]:
        assert f"`{name}`" in text, name
    for name in LIBRARY:
        assert f"`{name}_program(" in text, name


def test_worked_example_dump_matches_the_code() -> None:
    lines = DOC.read_text().splitlines()
    start = lines.index("program 'most_recent_write'  max_length=64")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("cost:"))
    assert "\n".join(lines[start:end + 1]) == most_recent_write_program(4, 8, 64).dump()
