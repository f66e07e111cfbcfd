"""The Theorem 5 AP-MDM as an object: its program, its policy for ``run_apmdm``, ``sample``, and
the exact per-step menu of choices that the support explorer enumerates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from constructions.dyck_apmdm.layout import DyckLayout
from constructions.dyck_apmdm.program import build_program, insert_fraction
from simulators.encoder import Program, apmdm_policy
from simulators.errors import LimitExceeded, UsageError
from simulators.grammars.alphabet import check_k
from simulators.processes import HaltReason, Trace, run_apmdm

MAX_TARGET_LENGTH = 100_000
"""Refuse targets whose canvases (up to ~4x the target) would be unreasonably large."""


@dataclass(frozen=True)
class Menu:
    """What the policy may do on one canvas: fixed arrays plus the positions with a free choice.

    ``insert`` is ``insert_det`` everywhere, and additionally either value at ``may_insert``
    positions; ``y`` is ``y_det`` everywhere except at ``free_letter`` positions, where it is any
    letter in ``letters``. Every combination has positive probability under the sampler.
    """

    y_det: np.ndarray
    remask: np.ndarray
    insert_det: np.ndarray
    delete: np.ndarray
    may_insert: np.ndarray
    free_letter: np.ndarray
    letters: tuple[int, ...]


@dataclass(frozen=True)
class DyckAPMDM:
    """Stochastic AP-MDM whose possible outputs are exactly (two-sided or one-sided) Dyck-k.

    ``target_length``: no new round starts once the word has this length (so every run halts);
    ``insert_prob``: per-position probability of starting a pair at that slot in a round. A round
    that inserts nothing leaves the canvas unchanged -- a fixed point, where the run stops; that
    happens with probability ``(1 - insert_prob)^(word length + 1)`` in each round below the
    target, and surely at or above it.

    ``target_length=None, insert_prob=None``: the unbounded mode -- no target, and the adaptive
    coin P(insert) ~ 1/(L+1) per position (L = canvas length), so every round halts with
    probability >= ~1/e: runs halt with probability 1 and *every* member of Dyck-k, of any
    length, is a possible output. ``max_canvas`` bounds the canvas in that mode (a run that
    reaches it stops with ``LENGTH_LIMIT``; the probability is astronomically small).
    """

    k: int
    two_sided: bool = True
    target_length: int | None = 32
    insert_prob: float | Fraction | None = Fraction(1, 2)
    max_canvas: int = 100_000
    layout: DyckLayout = field(init=False)
    program: Program = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", check_k(self.k))
        if self.two_sided and self.k < 1:
            raise UsageError("k must be >= 1")
        t = self.target_length
        if t is None:
            if self.insert_prob is not None:
                raise UsageError("without a target use insert_prob=None (the adaptive coin): "
                                 "a fixed insert probability may never halt")
        elif isinstance(t, bool) or not isinstance(t, int) or not 0 <= t <= MAX_TARGET_LENGTH:
            raise UsageError(f"target_length must be an integer in 0..{MAX_TARGET_LENGTH}")
        if self.insert_prob is not None:
            insert_fraction(self.insert_prob)  # validates
        if not 2 <= self.max_canvas <= 10_000_000:
            raise UsageError("max_canvas must be in 2..10,000,000")
        layout = DyckLayout(self.k, self.two_sided)
        object.__setattr__(self, "layout", layout)
        program = build_program(layout, target_length=t, insert_prob=self.insert_prob,
                                max_length=self.max_canvas_length)
        object.__setattr__(self, "program", program)

    @property
    def max_canvas_length(self) -> int:
        """Largest canvas a run can make: a round starts below the target (word length <= t-1)
        and at most doubles the word plus one pair per slot; mid-round a pair takes 3 tokens."""
        t = self.target_length
        if t is None:
            return self.max_canvas
        return min(1 + max(t - 1, 0) + 3 * t + 3, self.max_canvas)

    @property
    def max_steps(self) -> int:
        """Each round adds >= 1 pair and takes 4 steps; the final no-op step ends the run."""
        longest = self.max_canvas if self.target_length is None else self.target_length
        return 4 * (longest // 2 + 1) + 1

    @property
    def vocab(self):  # -> simulators.processes.Vocab
        return self.layout.vocab()

    def policy(self):
        """The program as a policy for ``run_apmdm`` (random inputs drawn from the engine rng)."""
        return apmdm_policy(self.program, y="y", remask="remask", insert="insert",
                            delete="delete")

    def run(self, rng: np.random.Generator, *, record_canvases: bool = True) -> Trace:
        """One run from ``[BOS]`` on the shared AP-MDM engine (Algorithm 1's ``g``)."""
        if not isinstance(rng, np.random.Generator):
            raise UsageError("rng must be a numpy.random.Generator")
        return run_apmdm(self.policy(), self.layout.initial_canvas(), self.vocab, rng=rng,
                         max_steps=self.max_steps, max_length=self.max_canvas_length,
                         halt_on_eos=False, record_canvases=record_canvases)

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        """One output word (letter ids, no BOS); raises if the run did not reach a fixed point."""
        trace = self.run(rng, record_canvases=False)
        if trace.halt != HaltReason.FIXED_POINT:
            raise LimitExceeded(f"run stopped with {trace.halt.value}, not at a fixed point")
        return self.layout.output(trace.final)

    @property
    def menus_letters(self) -> tuple[int, ...]:
        """The letters a ``free_letter`` position may take (each with equal probability)."""
        lo, hi = self.layout.free_letters
        return tuple(range(lo, hi + 1))

    def menu_arrays(self, canvases: np.ndarray) -> dict[str, np.ndarray]:
        """Menu outputs for a (B, L) batch of equal-length canvases (one batched evaluation):
        int ``y_det``; bool ``remask``, ``insert_det``, ``delete``, ``may_insert``,
        ``free_letter``. These outputs do not read the random inputs, so the rng passed here
        is irrelevant (a fixed one is used)."""
        out = self.program.evaluate(canvases, rng=np.random.default_rng(0))
        menu = {name: out[name].astype(bool) for name in
                ("remask", "insert_det", "delete", "may_insert", "free_letter")}
        menu["y_det"] = out["y_det"]
        return menu

    def menus(self, canvases: np.ndarray) -> list[Menu]:
        """The same as :meth:`menu_arrays`, one :class:`Menu` per canvas."""
        m = self.menu_arrays(canvases)
        return [
            Menu(m["y_det"][b], m["remask"][b], m["insert_det"][b], m["delete"][b],
                 m["may_insert"][b], m["free_letter"][b], self.menus_letters)
            for b in range(canvases.shape[0])
        ]

def sample(
    k: int,
    rng: np.random.Generator,
    *,
    two_sided: bool = True,
    target_length: int | None = 32,
    insert_prob: float | Fraction | None = Fraction(1, 2),
) -> np.ndarray:
    """One word generated by the Theorem 5 AP-MDM (letter ids ``0..2k-1``); ``target_length=None,
    insert_prob=None`` is the unbounded mode (see :class:`DyckAPMDM`)."""
    return DyckAPMDM(k, two_sided, target_length, insert_prob).sample(rng)
