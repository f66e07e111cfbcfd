"""One object per language: ``DyckLanguage("two-sided-dyck", k=2).is_member(...)`` and friends.

A thin facade over the functional modules (:mod:`reduction`, :mod:`counting`, :mod:`sampling`,
:mod:`enumeration`, :mod:`near_miss`), with the readable names of :mod:`alphabet`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulators.grammars import counting, enumeration, near_miss, reduction, sampling
from simulators.grammars.alphabet import DyckAlphabet

if TYPE_CHECKING:
    from simulators.processes import Vocab


class DyckLanguage(DyckAlphabet):
    """One-sided (``"dyck"``) or two-sided (``"two-sided-dyck"``) Dyck-k, with ids ``0..2k-1``."""

    def reduce(self, word: np.ndarray | list[int]) -> np.ndarray:
        return reduction.reduce_word(word, self.k, two_sided=self.two_sided)

    def is_member(self, word: np.ndarray | list[int]) -> bool:
        return reduction.is_member(word, self.k, two_sided=self.two_sided)

    def count(self, length: int, **limits: int) -> int:
        return counting.count(self.k, length, two_sided=self.two_sided, **limits)

    def counts(self, max_length: int, **limits: int) -> dict[int, int]:
        return counting.counts(self.k, max_length, two_sided=self.two_sided, **limits)

    def sample(self, length: int, rng: np.random.Generator, **limits: int) -> np.ndarray:
        return sampling.sample_word(self.k, length, rng, two_sided=self.two_sided, **limits)

    def sample_many(
        self, length: int, rng: np.random.Generator, num: int, **options: Any
    ) -> np.ndarray:
        return sampling.sample_words(
            self.k, length, rng, two_sided=self.two_sided, num=num, **options
        )

    def enumerate(self, length: int, **limits: int) -> np.ndarray:
        return enumeration.enumerate_words(self.k, length, two_sided=self.two_sided, **limits)

    def near_misses(
        self, word: np.ndarray | list[int], rng: np.random.Generator, **options: int
    ) -> list[np.ndarray]:
        return near_miss.near_misses(word, self.k, rng, two_sided=self.two_sided, **options)

    def vocab(self, *, mask: str = "[M]", bos: str | None = None, eos: str | None = None) -> Vocab:
        """A :class:`simulators.processes.Vocab` whose ids ``0..2k-1`` are this language's letters
        (the specials come after them: mask ``2k``, then BOS, then EOS)."""
        from simulators.processes import Vocab  # same layer; imported lazily to keep this light

        return Vocab(list(self.names), mask=mask, bos=bos, eos=eos)
