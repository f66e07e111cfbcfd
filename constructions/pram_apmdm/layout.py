"""Canvas layout of the Theorem 4 AP-MDM: address-tagged cells and one record per processor.

Every token is *self-describing*: its id packs a **code** (what the token is: the clock, a
field of a processor record, or a memory address) and a **value**::

    id = code * V + (value - VMIN)          V = 2**value_bits, VMIN = -V/2

so a token can sit anywhere on the canvas -- the network finds it by attention on its code, never
by its position. That is what lets the construction insert and delete freely (Theorem 4: the
canvas changes length, positions are re-indexed after every step).

Codes, with ``K = R + 2`` tokens per processor record (``R`` registers):

* ``0``                      the clock (value = parity of the simulated PRAM step)
* ``1 + p*K + 0``            ``HEAD_p``: processor ``p``'s header (value 0, never changes;
                             a new memory cell written by ``p`` is inserted right after it)
* ``1 + p*K + 1``            ``CTRL_p``: value ``4*pc + mode`` (mode IDLE/RUN/WAIT/DONE)
* ``1 + p*K + 2 + j``        ``REG_p,j``: register ``r[j]`` of processor ``p``
* ``C0 + a``, ``C0 = 1+P*K`` the shared-memory cell at address ``a``
* ``CM = C0 + memory_size``  the mask (id ``CM * V``, the vocabulary's largest id)

The canvas therefore has ``1 + P*K + (#cells in use)`` tokens between PRAM steps -- O(P + S),
independent of the running time T (Theorem 4's space claim).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.encoder.intervals import MAX_ABS_VALUE
from simulators.errors import LimitExceeded
from simulators.pram.isa import MODE_IDLE, MODE_RUN, MODE_WAIT
from simulators.processes import IntVocab

#: Our fourth mode: processor 0 after executing HALT (the PRAM machine has no such mode; the
#: run has ended there). Nothing changes any more once it is set -> the AP-MDM reaches a fixed
#: point (docs/theorem4.md, "Halting").
MODE_DONE = 3
MODE_NAMES = {MODE_IDLE: "IDLE", MODE_RUN: "RUN", MODE_WAIT: "WAIT", MODE_DONE: "DONE"}

#: Largest value width: products of two values must stay exact in the encoder's float64-safe
#: range (|v| <= 2**53), so two values of ``MAX_VALUE_BITS`` bits multiply without loss.
MAX_VALUE_BITS = 26

CLOCK_CODE = 0
FIELD_HEAD = 0
FIELD_CTRL = 1
FIELD_REG0 = 2


@dataclass(frozen=True)
class Layout:
    """Sizes that fix the token packing; see the module docstring for the code table."""

    processors: int
    registers: int
    memory_size: int
    value_bits: int

    def __post_init__(self) -> None:
        if not 2 <= self.value_bits <= MAX_VALUE_BITS:
            raise LimitExceeded(f"value_bits must be in 2..{MAX_VALUE_BITS}, got {self.value_bits}")
        if self.mask_id > MAX_ABS_VALUE:
            raise LimitExceeded(
                f"the token vocabulary ({self.mask_code} codes x 2^{self.value_bits} values) "
                f"exceeds 2^53 ids; use fewer value bits or a smaller instance")

    # ------------------------------------------------------------------ packing constants
    @property
    def record(self) -> int:
        """K: tokens per processor record (header, control, R registers)."""
        return self.registers + 2

    @property
    def cell_base(self) -> int:
        """C0: the code of memory address 0."""
        return 1 + self.processors * self.record

    @property
    def mask_code(self) -> int:
        return self.cell_base + self.memory_size

    @property
    def radix(self) -> int:
        return 1 << self.value_bits

    @property
    def vmin(self) -> int:
        return -(1 << (self.value_bits - 1))

    @property
    def vmax(self) -> int:
        return (1 << (self.value_bits - 1)) - 1

    @property
    def mask_id(self) -> int:
        return self.mask_code * self.radix

    def vocab(self) -> IntVocab:
        """Ids ``0 .. mask_id-1`` are packed tokens; the mask is the one special (``mask_id``)."""
        return IntVocab(0, self.mask_id - 1, specials=("[M]",))

    # ------------------------------------------------------------------ codes
    def head(self, p: int) -> int:
        return 1 + p * self.record + FIELD_HEAD

    def ctrl(self, p: int) -> int:
        return 1 + p * self.record + FIELD_CTRL

    def reg(self, p: int, j: int) -> int:
        return 1 + p * self.record + FIELD_REG0 + j

    def cell(self, address: int) -> int:
        return self.cell_base + address

    def pack(self, code: np.ndarray | int, value: np.ndarray | int) -> np.ndarray:
        return np.asarray(code, dtype=np.int64) * self.radix + (
            np.asarray(value, dtype=np.int64) - self.vmin)

    def unpack(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(code, value)`` of every token (masks get code ``mask_code``)."""
        ids = np.asarray(ids, dtype=np.int64)
        return ids // self.radix, ids % self.radix + self.vmin

    # ------------------------------------------------------------------ canvases
    def initial_canvas(self, memory: np.ndarray, input_addresses: np.ndarray) -> np.ndarray:
        """Clock, then every processor record (processor 0 RUN at pc 0, the others IDLE, all
        registers 0), then the input cells in address order -- the memory in use at step 0."""
        P = self.processors
        codes = [np.array([CLOCK_CODE])]
        values = [np.array([0])]
        rec_codes = 1 + np.arange(P * self.record)
        rec_values = np.zeros(P * self.record, dtype=np.int64)
        ctrl_pos = np.arange(P) * self.record + FIELD_CTRL
        rec_values[ctrl_pos] = MODE_IDLE
        rec_values[FIELD_CTRL] = MODE_RUN  # processor 0, pc 0
        codes.append(rec_codes)
        values.append(rec_values)
        addrs = np.asarray(input_addresses, dtype=np.int64)
        codes.append(self.cell_base + addrs)
        values.append(np.asarray(memory, dtype=np.int64)[addrs])
        return self.pack(np.concatenate(codes), np.concatenate(values))


@dataclass(frozen=True)
class DecodedState:
    """What a canvas says about the simulated PRAM (masks are skipped)."""

    pc: np.ndarray        # [P]
    mode: np.ndarray      # [P], MODE_* (MODE_DONE for a halted processor 0)
    regs: np.ndarray      # [P, R]
    memory: np.ndarray    # [memory_size]; cells absent from the canvas read as 0
    cells: int            # memory cells present on the canvas
    clock: int


def decode(layout: Layout, canvas: np.ndarray) -> DecodedState:
    """Read the PRAM state off a canvas (between or inside the two phases of a step).

    A code that appears twice (never in a valid run) raises LimitExceeded: the decoder refuses
    to guess which copy is current.
    """
    code, value = layout.unpack(canvas)
    keep = code != layout.mask_code
    code, value = code[keep], value[keep]
    if np.unique(code).size != code.size:
        raise LimitExceeded("corrupt canvas: a code occurs twice")
    P, K = layout.processors, layout.record
    rec = np.zeros(P * K, dtype=np.int64)
    in_rec = (code >= 1) & (code < layout.cell_base)
    rec[code[in_rec] - 1] = value[in_rec]
    records = rec.reshape(P, K)
    memory = np.zeros(layout.memory_size, dtype=np.int64)
    in_mem = code >= layout.cell_base
    memory[code[in_mem] - layout.cell_base] = value[in_mem]
    clock = value[code == CLOCK_CODE]
    ctrl = records[:, FIELD_CTRL]
    return DecodedState(pc=ctrl // 4, mode=ctrl % 4, regs=records[:, FIELD_REG0:].copy(),
                        memory=memory, cells=int(in_mem.sum()),
                        clock=int(clock[0]) if clock.size else 0)
