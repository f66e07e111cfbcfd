"""Integers at the edges: 0, +-1, both sides of every word boundary and of the constructions'
token ranges.

The PRAM contract (docs/pram-isa.md, "Words") makes every value outside ``[-2^(w-1), 2^(w-1)-1]``
a fault, and each construction carries values in a token field of limited width; the values right
next to those limits are where an off-by-one in an overflow check shows. A strategy that draws
uniformly from a wide range almost never hits them, so these strategies draw them on purpose.
"""

from __future__ import annotations

from hypothesis import strategies as st

#: Word sizes the edge strategies use. Every one is at most the token value range of both PRAM
#: constructions (Theorem 1: 26-bit magnitudes, Theorem 4: 26-bit two's-complement values), so
#: a value that fits the word fits a token: machine and constructions must agree exactly.
NARROW_WORDS = (8, 12, 16, 26)


def word_range(word_bits: int) -> tuple[int, int]:
    """``(lo, hi)`` of a signed ``word_bits``-bit word."""
    return -(2 ** (word_bits - 1)), 2 ** (word_bits - 1) - 1


def edge_values(word_bits: int) -> list[int]:
    """0, +-1, +-2, the word's extremes and their neighbours, half and square-root magnitudes."""
    lo, hi = word_range(word_bits)
    half = 2 ** (word_bits - 2)
    root = 2 ** ((word_bits - 1) // 2)  # root * root stays in the word, (2 root)^2 does not
    vals = {0, 1, -1, 2, -2, 3, -3, lo, lo + 1, hi, hi - 1, half, -half, half - 1, root,
            root + 1, -root, 2 * root}
    return sorted(v for v in vals if lo <= v <= hi)


def edge_integers(word_bits: int, *, small: int = 20) -> st.SearchStrategy[int]:
    """Mostly edge values of the word, sometimes small or arbitrary in-range integers."""
    lo, hi = word_range(word_bits)
    return st.one_of(st.sampled_from(edge_values(word_bits)), st.integers(-small, small),
                     st.integers(lo, hi))
