"""Hypothesis strategy: programs whose processors write to one address *in the same step*.

The write rule of each memory model (docs/pram-isa.md, "Memory models") only matters when two
processors write one cell in one step, and random programs rarely do that with different values.
These programs force it: in one ``pardo`` the processors ``lo..hi`` each write a value of their
own (drawn at the word's edges, all equal or all different) to the same cell ``B[k]``, addressed
directly or through a read of shared memory, optionally while the others write their own cell.
Under EREW and CREW this is a fault; under CRCW-common a fault unless the values agree; otherwise
the rule picks or combines (highest id for arbitrary, lowest for priority, sum / min / max; a sum
may overflow a narrow word, which is a fault).

:func:`expected_conflict_cell` states that table independently of any machine, so a test can hold
the reference machine itself to it.
"""

from __future__ import annotations

from hypothesis import strategies as st

from simulators.testing.edge_values import edge_integers, word_range
from simulators.testing.pram_programs import MODELS, PramCase, probe_case

#: Word sizes for conflict programs: narrow ones make sum overflow reachable; 64 is the default.
CONFLICT_WORDS = (8, 16, 26)


@st.composite
def conflict_cases(draw: st.DrawFn, models: tuple[str, ...] = MODELS, min_n: int = 2,
                   max_n: int = 5, slack: tuple[int, int] = (0, 1)) -> PramCase:
    """A program with a forced concurrent write to ``B[k]`` (see the module docstring).

    Processor ``i`` writes ``inputs["A"][i]``; ``case.meta`` holds ``writers`` (``lo, hi``) and
    ``cell`` (``k``).
    """
    model = draw(st.sampled_from(models))
    n = draw(st.integers(min_n, max_n))
    word_bits = draw(st.sampled_from(CONFLICT_WORDS))
    if draw(st.booleans()):  # all writers write the same value
        v = draw(edge_integers(word_bits))
        values = [v] * n
    else:
        values = draw(st.lists(edge_integers(word_bits), min_size=n, max_size=n, unique=True))
    k = draw(st.integers(0, n - 1))
    lo = draw(st.integers(0, n - 2))
    hi = draw(st.integers(lo + 1, n - 1))  # at least two writers
    # Indirect: C is all zero, so C[i] + k == k -- the address goes through a memory read.
    target = f"B[C[i] + {k}]" if draw(st.booleans()) else f"B[{k}]"
    body = ["  for i in 0 .. n - 1 pardo",
            f"    if i >= {lo} and i <= {hi} then",
            f"      {target} := A[i]"]
    if draw(st.booleans()):  # bystanders write their own cell in the same step
        body += ["    else", "      B[i] := A[i]"]
    body += ["    end", "  end"]
    return probe_case(draw, model, body, {"A": values}, word_bits, 50, slack,
                      allow_faults=True, name="conflict", meta={"writers": (lo, hi), "cell": k})


def expected_conflict_cell(model: str, values: list[int], word_bits: int) -> int | None:
    """What a cell receives when ``values`` (in processor-id order, two or more) are written to
    it in one step under ``model``; ``None`` when that is a fault."""
    lo, hi = word_range(word_bits)
    if model in ("EREW", "CREW"):
        return None
    if model == "CRCW-common":
        return values[0] if len(set(values)) == 1 else None
    if model == "CRCW-arbitrary":
        return values[-1]
    if model == "CRCW-priority":
        return values[0]
    combined = sum(values) if model == "CRCW-sum" else min(values) if model == "CRCW-min" \
        else max(values)
    return combined if lo <= combined <= hi else None
