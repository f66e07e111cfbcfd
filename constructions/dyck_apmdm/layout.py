"""Canvas layout of the Theorem 5 construction: token ids, the vocabulary, and the canvas phases.

Ids: the grammar's letters ``0..2k-1`` (``simulators.grammars``: ``a_i`` = ``i-1``, ``ā_i`` =
``k+i-1``), then the mask ``[M]`` = ``2k``, the anchor ``[BOS]`` = ``2k+1`` and the scaffold token
``[P]`` ("pair pending") = ``2k+2``. A canvas is ``[BOS] w_1 ... w_n``; the output is the canvas
without its BOS once the process has reached a fixed point (then it holds letters only).

Why a scaffold token: with one mask token and a policy that only sees the current canvas, "a mask
just inserted after letter ``a``" and "the second half of a half-built pair whose first letter is
``a``" look identical, so the rule "fill with the inverse of the left neighbour" would be unsound
for the first. ``[P]`` marks the half-built pair so every canvas phase is recognisable locally
(see ``docs/theorem5.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.grammars import DyckLanguage
from simulators.processes import Vocab


@dataclass(frozen=True)
class DyckLayout:
    """Token ids for one ``k`` and language (two-sided, or one-sided brackets)."""

    k: int
    two_sided: bool = True

    @property
    def language(self) -> DyckLanguage:
        return DyckLanguage("two-sided-dyck" if self.two_sided else "dyck", k=self.k)

    @property
    def letters(self) -> int:
        return 2 * self.k

    @property
    def mask(self) -> int:
        return 2 * self.k

    @property
    def bos(self) -> int:
        return 2 * self.k + 1

    @property
    def pending(self) -> int:
        return 2 * self.k + 2

    @property
    def none(self) -> int:
        """Sentinel for "no such position" in neighbour lookups (not a token of the vocab)."""
        return 2 * self.k + 3

    @property
    def free_letters(self) -> tuple[int, int]:
        """Range ``lo..hi`` of the freely drawn letter ``a`` of an inserted pair ``ā a``.

        Two-sided: any letter (so ``ā a`` is any of the 2k cancelling pairs). One-sided: closers
        only, so the pair is an opener followed by its closer.
        """
        return (0, 2 * self.k - 1) if self.two_sided else (self.k, 2 * self.k - 1)

    def vocab(self) -> Vocab:
        names = [*self.language.names, "[M]", "[BOS]", "[P]"]
        return Vocab(names, mask="[M]", bos="[BOS]")

    def initial_canvas(self) -> np.ndarray:
        return np.array([self.bos], dtype=np.int64)

    def output(self, canvas: np.ndarray) -> np.ndarray:
        """The generated word: the canvas without its BOS anchor."""
        return np.asarray(canvas, dtype=np.int64)[1:]

    def committed_length(self, canvas: np.ndarray) -> np.ndarray | int:
        """Length of the word this canvas will have at the end of the current round.

        Letters count 1; a freshly inserted lone mask will become a pair (2); a ``[P]`` and the
        mask after it become a pair (2 for the ``[P]``, 0 for that mask); in ``[M][M] a`` the
        first mask is deleted and the second becomes a letter (1 for the run). Constant within a
        round (tested), equal to ``len(canvas) - 1`` on a clean canvas. Used to prune the support
        exploration. Accepts one canvas (returns an int) or a (B, L) batch (returns an array).
        """
        x = np.asarray(canvas, dtype=np.int64)
        single = x.ndim == 1
        x = np.atleast_2d(x)
        edge = np.full((x.shape[0], 1), self.none, dtype=np.int64)
        left = np.concatenate([edge, x[:, :-1]], axis=1)
        right = np.concatenate([x[:, 1:], edge], axis=1)
        is_mask = x == self.mask
        fresh = is_mask & (left != self.mask) & (left != self.pending) & (right != self.mask)
        run_first = is_mask & (right == self.mask)
        total = (
            (x < self.letters).sum(axis=1)
            + 2 * fresh.sum(axis=1)
            + 2 * (x == self.pending).sum(axis=1)
            + run_first.sum(axis=1)
        )
        return int(total[0]) if single else total
