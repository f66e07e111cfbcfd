"""Reference language machinery for the Dyck constructions (Theorem 5): one-sided Dyck-k
(properly nested brackets of k types) and two-sided Dyck-k (the free-group word problem).

Membership by reduction in linear time, exact counts (big integers), exactly uniform sampling,
exhaustive enumeration and near-miss non-members. See ``docs/grammars.md``.

>>> lang = DyckLanguage("two-sided-dyck", k=2)
>>> lang.is_member(lang.parse("a1 a2 A2 A1")), lang.is_member(lang.parse("A1 a2 a1"))
(True, False)
>>> lang.counts(6)
{0: 1, 2: 4, 4: 28, 6: 232}
>>> DyckLanguage("dyck", k=2).render([0, 1, 3, 2])
'([])'
"""

from simulators.grammars.alphabet import EMPTY_WORD, LANGUAGES, DyckAlphabet, inverse_ids
from simulators.grammars.counting import count, counts, counts_by_half_length
from simulators.grammars.enumeration import enumerate_words
from simulators.grammars.language import DyckLanguage
from simulators.grammars.near_miss import near_misses
from simulators.grammars.reduction import (
    is_dyck_vectorised,
    is_member,
    members_batch,
    reduce_word,
)
from simulators.grammars.sampling import sample_word, sample_words, uniform_below

__all__ = [
    "EMPTY_WORD",
    "LANGUAGES",
    "DyckAlphabet",
    "DyckLanguage",
    "count",
    "counts",
    "counts_by_half_length",
    "enumerate_words",
    "inverse_ids",
    "is_dyck_vectorised",
    "is_member",
    "members_batch",
    "near_misses",
    "reduce_word",
    "sample_word",
    "sample_words",
    "uniform_below",
]
