"""Memory of a Theorem-1 run, estimated *before* anything of canvas size is allocated.

A run keeps the canvas, the per-step decision arrays and the encoder program's intermediate
sequences over the positions it evaluates, so its memory grows linearly in the canvas length
``S``. The constants are measured, not derived: ``benchmarks/memory_estimates.py`` runs
``python -m constructions.pram_mdm run`` on the odd-even transposition sort
(tests/robustness/programs/odd_even_sort.pram) at n = 20, 40, 60 (S = 0.11M .. 1.0M positions)
and reads the peak resident set size; the marginal cost was 1.54-1.56 KB per position on top of an
interpreter baseline of about 100 MB (docs/robustness.md, "Memory estimates"). The estimate rounds
both up, and ``tests/robustness/test_memory_estimates.py`` (slow) re-measures a run to check that
it never under-estimates.
"""

from __future__ import annotations

from simulators.cli_support import check_memory

#: Bytes per canvas position of a Theorem-1 run (measured marginal 1.54-1.56 KB, rounded up).
BYTES_PER_POSITION = 1_700
#: Bytes of a run that do not grow with the canvas (interpreter, numpy, the compiled network).
BASE_BYTES = 200 * 1024 * 1024


def run_bytes(S: int) -> int:
    """Estimated peak memory of decoding a Theorem-1 canvas of ``S`` positions."""
    return BASE_BYTES + BYTES_PER_POSITION * S


def growth_bytes(S: int) -> int:
    """The part of :func:`run_bytes` still to be allocated when the build starts: the baseline is
    already resident in this process, so only the canvas-sized part competes for free memory."""
    return BYTES_PER_POSITION * S


def check_run_memory(S: int) -> None:
    """Refuse (exit 3) a run whose estimated memory the machine cannot spare -- whatever
    ``max_context`` allowed -- before the canvas is allocated. Only the growth is compared with
    the available memory (counting the resident baseline again refused a 405-position canvas on
    a busy machine with 200 MiB free)."""
    check_memory(growth_bytes(S), what=f"the Theorem-1 run (canvas of S = {S} positions)")
