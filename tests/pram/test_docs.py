"""docs/pram.md stays in step with the examples and the instruction set."""

from __future__ import annotations

import re
from pathlib import Path

from simulators.pram.isa import OPS
from simulators.pram.semantics import fault_table, semantics_table
from tests.pram.conftest import EXAMPLES, example

DOCS = Path(__file__).resolve().parents[2] / "docs"
REQUIRED = ["prefix_sum", "sum", "list_ranking", "max_crcw", "dyck1", "sort", "matvec",
            "connected_components"]


def test_example_table_matches_the_files() -> None:
    text = (DOCS / "pram.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)\.pram` \|[^|]*\| ([\w-]+) \|", text, flags=re.M)
    listed = {name: model for name, model in rows}
    for name in REQUIRED:
        assert name in listed, f"{name} missing from the docs table"
    for name, model in listed.items():
        assert (EXAMPLES / f"{name}.pram").exists()
        assert example(name).model.value == model, name


def test_every_instruction_is_documented() -> None:
    isa = (DOCS / "pram-isa.md").read_text(encoding="utf-8")
    for op in OPS:
        assert f"`{op}`" in isa, op


def test_semantics_and_fault_tables_are_generated_from_the_module() -> None:
    """docs/pram-isa.md embeds semantics_table() and fault_table() verbatim (regenerate them
    from simulators/pram/semantics.py when a function or a fault kind changes)."""
    isa = (DOCS / "pram-isa.md").read_text(encoding="utf-8")
    for name, table in (("semantics_table()", semantics_table()),
                        ("fault_table()", fault_table())):
        block = isa.split(f"<!-- {name} -->\n", 1)[1].split(f"\n<!-- end {name} -->", 1)[0]
        assert block == table, f"docs/pram-isa.md: regenerate the {name} block"
