"""The canvas of the Theorem-1 MDM: where the input, the per-step processor records and the output
sit, the token vocabulary, and the exact (symbolic) context length.

Layout (docs/theorem1.md, "Layout")::

    [ input cells | block 1 | block 2 | ... | block T | output cells ]
      n_in          P records of K tokens each             n_out

* An **input cell** holds the initial value of one shared-memory address (every element of the
  input / inout arrays and of the hidden size-parameter array); its address is a static function of
  its position (a constant number of linear pieces, one per array).
* **Block t** (t = 1..T) holds, for every processor p = 0..P-1, a *record* of K = R + 4 tokens:
  ``mode, pc, r_0 .. r_{R-1}`` (its state *after* PRAM step t; KS = R + 2 tokens) and
  ``write address, write value`` (the shared write it performed *in* step t, after conflict
  resolution; address -1 = no write). The P state parts come first, then the P write parts, so
  that a left-to-right one-token-per-step fill never shows a read of step t a write of step t
  (reads see memory as at the start of the step). K does not depend on n (R is fixed by the
  compiler), so one block has P(n)*K tokens.
* An **output cell** receives the final value of one output / inout array element.

So ``S(n) = n_in(n) + T(n) * P(n) * K + n_out(n)`` exactly, fixed from the declared bounds before
decoding starts -- the ``O(P(n) T(n)) + O(n)`` context of Theorem 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.errors import FaultKind, LimitExceeded, UsageError
from simulators.pram.isa import PARAMS_ARRAY, CompiledProgram
from simulators.pram.semantics import STEP_FAULTS
from simulators.processes import IntVocab

# Record fields (offsets inside one processor record).
F_MODE = 0
F_PC = 1
F_REG0 = 2
# F_WA = 2 + R and F_WV = 3 + R depend on R: see Layout.f_wa / Layout.f_wv.

# Modes carried in the record. 0..2 are the machine's own codes (docs/pram-isa.md); HALTED marks
# processor 0 after HALT; a fault is FAULT_BASE + kind, the kind's code in
# simulators.errors.FaultKind (the semantics' one numbering), so a fault is a value, not a crash.
MODE_IDLE, MODE_RUN, MODE_WAIT, MODE_HALTED = 0, 1, 2, 3
FAULT_BASE = 8
#: The kinds one step can fault with (code -> kind).
FAULT_KINDS: dict[int, FaultKind] = {int(k): k for k in STEP_FAULTS}
#: Processor 0's mode when *another* processor faulted in this step (the run ends there too).
FAULT_OTHER = FAULT_BASE + max(FAULT_KINDS) + 1
FAULT_MAX = FAULT_OTHER

NO_WRITE = -1  # write-address token of a record that writes nothing
SPECIALS = ("[M]", "[FILL]", "[OVER]", "[FAULT]")

#: Default bits of the token values (|value| < 2**26). Products of two values must stay exact in
#: float64 (the encoder language's precision limit, 2**53), hence 26; see docs/theorem1.md.
DEFAULT_VALUE_BITS = 26
#: Refuse canvases longer than this before allocating anything (explicit, overridable with
#: --max-context). A run needs about 1.7 KB per position (constructions/pram_mdm/memory.py,
#: measured), so the default keeps a run within about 8.5 GB; a raised limit is still refused
#: when the estimate exceeds the machine's available memory.
DEFAULT_MAX_CONTEXT = 5_000_000


@dataclass(frozen=True)
class Segment:
    """A run of canvas cells mirroring one shared array: ``size`` cells from ``start`` hold the
    addresses ``base .. base+size-1``."""

    name: str
    base: int
    size: int
    start: int


@dataclass(frozen=True)
class Layout:
    """Sizes and positions of one Theorem-1 canvas (fixed per program and size n)."""

    n_in: int
    inputs: tuple[Segment, ...]
    P: int
    T: int
    R: int
    n_out: int
    outputs: tuple[Segment, ...]
    memory_size: int
    value_lo: int
    value_hi: int
    word_lo: int
    word_hi: int
    #: Every array of the binding as (name, base, size): what a fault record names cells with.
    arrays: tuple[tuple[str, int, int], ...] = ()

    # -------------------------------------------------------------- derived sizes
    @property
    def K(self) -> int:  # noqa: N802 - the paper's letter
        """Tokens per processor record: mode, pc, R registers, write address, write value."""
        return self.R + 4

    @property
    def PK(self) -> int:  # noqa: N802
        return self.P * self.K

    @property
    def f_wa(self) -> int:
        return F_REG0 + self.R

    @property
    def f_wv(self) -> int:
        return F_REG0 + self.R + 1

    @property
    def blocks_start(self) -> int:
        return self.n_in

    @property
    def out_start(self) -> int:
        return self.n_in + self.T * self.PK

    @property
    def S(self) -> int:  # noqa: N802
        """The context length S(n)."""
        return self.out_start + self.n_out

    # -------------------------------------------------------------- positions
    def block_start(self, t: int) -> int:
        """First position of block t (1-based)."""
        return self.n_in + (t - 1) * self.PK

    @property
    def KS(self) -> int:  # noqa: N802
        """Tokens of the state part of a record: mode, pc, R registers."""
        return self.R + 2

    def record_pos(self, t: int, p: int, f: int) -> int:
        """Position of field ``f`` of processor ``p``'s record in block ``t``."""
        if f < self.KS:
            return self.block_start(t) + p * self.KS + f
        return self.block_start(t) + self.P * self.KS + 2 * p + (f - self.KS)

    def block_state(self, canvas: np.ndarray, t: int) -> np.ndarray:
        """Block t's state parts as a (P, KS) array: mode, pc, registers per processor."""
        s = self.block_start(t)
        return canvas[s: s + self.P * self.KS].reshape(self.P, self.KS)

    def block_writes(self, canvas: np.ndarray, t: int) -> np.ndarray:
        """Block t's write parts as a (P, 2) array: address (-1 = none), value."""
        s = self.block_start(t) + self.P * self.KS
        return canvas[s: s + 2 * self.P].reshape(self.P, 2)

    def block_of(self, pos: int) -> int:
        """Block (1..T) of a record position; 0 for input cells, T+1 for output cells."""
        if pos < self.n_in:
            return 0
        if pos >= self.out_start:
            return self.T + 1
        return (pos - self.n_in) // self.PK + 1

    # -------------------------------------------------------------- tokens
    def vocab(self) -> IntVocab:
        return IntVocab(self.value_lo, self.value_hi, specials=SPECIALS)

    @property
    def mask_id(self) -> int:
        return self.value_hi + 1

    @property
    def fill_id(self) -> int:
        return self.value_hi + 2

    @property
    def over_id(self) -> int:
        return self.value_hi + 3

    @property
    def fault_id(self) -> int:
        return self.value_hi + 4

    def initial_canvas(self, initial_memory: np.ndarray) -> np.ndarray:
        """The input cells (from the bound memory) followed by S - n_in masks."""
        canvas = np.full(self.S, self.mask_id, dtype=np.int64)
        for seg in self.inputs:
            vals = np.asarray(initial_memory[seg.base: seg.base + seg.size], dtype=np.int64)
            if vals.size and (vals.min() < self.word_lo or vals.max() > self.word_hi):
                # As the machine refuses an input outside the word (a usage error, exit 2).
                i = int(np.flatnonzero((vals < self.word_lo) | (vals > self.word_hi))[0])
                raise UsageError(
                    f"input '{seg.name}'[{i}] = {int(vals[i])} does not fit the construction's "
                    f"token range {self.word_lo}..{self.word_hi} (--value-bits, at most 26)")
            canvas[seg.start: seg.start + seg.size] = vals
        return canvas


def _segments(names: list[tuple[str, int, int]], start: int) -> tuple[tuple[Segment, ...], int]:
    segs, pos = [], start
    for name, base, size in names:
        segs.append(Segment(name, base, size, pos))
        pos += size
    return tuple(segs), pos - start


def input_array_names(prog: CompiledProgram) -> list[str]:
    """Arrays whose initial contents come from the input: input/inout arrays and the hidden
    size-parameter array (loaded by processor 0's prelude)."""
    return [a.name for a in prog.arrays if a.role in ("input", "inout") or a.name == PARAMS_ARRAY]


def make_layout(prog: CompiledProgram, base: dict[str, int], size: dict[str, int],
                memory_size: int, processors: int, time: int, *,
                value_bits: int = DEFAULT_VALUE_BITS,
                max_context: int = DEFAULT_MAX_CONTEXT) -> Layout:
    """The layout for a program bound at one size (``base``/``size`` from the binding)."""
    ins = sorted(((n, base[n], size[n]) for n in input_array_names(prog)), key=lambda x: x[1])
    outs = [(n, base[n], size[n]) for n in prog.output_arrays]
    inputs, n_in = _segments(ins, 0)
    K = prog.n_registers + 4
    out_start = n_in + time * processors * K
    outputs, n_out = _segments(outs, out_start)
    S = out_start + n_out
    if max_context < S:
        raise LimitExceeded(f"the Theorem-1 canvas would have S = {S} positions "
                            f"(n_in={n_in}, T={time}, P={processors}, K={K}); the limit is "
                            f"max_context = {max_context} (--max-context raises it)")
    if not 4 <= value_bits <= 26:
        raise UsageError(f"value_bits must be in 4..26 (products exact in float64), "
                         f"got {value_bits}")
    value_lo, value_hi = -(2**value_bits), 2**value_bits - 1
    if max(S, memory_size, len(prog.instructions) + 1) > value_hi:
        raise LimitExceeded(f"positions/addresses up to {max(S, memory_size)} do not fit the token "
                            f"range of {value_bits} bits")
    w = prog.word_bits
    word_lo, word_hi = max(value_lo, -(2 ** (w - 1))), min(value_hi, 2 ** (w - 1) - 1)
    return Layout(n_in=n_in, inputs=inputs, P=processors, T=time, R=prog.n_registers,
                  n_out=n_out, outputs=outputs, memory_size=memory_size, value_lo=value_lo,
                  value_hi=value_hi, word_lo=word_lo, word_hi=word_hi,
                  arrays=tuple((a.name, base[a.name], size[a.name]) for a in prog.arrays))
