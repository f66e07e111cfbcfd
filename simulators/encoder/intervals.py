"""Integer intervals: the declared value range of every sequence of an encoder program.

A range fixes how many bits a sequence needs, which is what the width accounting (and the claim
"embeddings of O(log n) bits", Theorem 1) is about. Ranges are closed: ``lo..hi`` inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass

# Every value must be exact in float64 (the mean mode and the later weight compiler compute in
# floating point), so ranges are limited to |v| <= 2**53 - 1.
MAX_ABS_VALUE = 2**53 - 1


@dataclass(frozen=True)
class Interval:
    """The closed integer range ``lo..hi`` (``lo <= hi``)."""

    lo: int
    hi: int

    @property
    def size(self) -> int:
        """Number of integers in the range."""
        return self.hi - self.lo + 1

    @property
    def is_bool(self) -> bool:
        """True when every value is 0 or 1 (the range may be {0}, {1} or {0, 1})."""
        return self.lo >= 0 and self.hi <= 1

    @property
    def is_const(self) -> bool:
        return self.lo == self.hi

    @property
    def bits(self) -> int:
        """Bits of the documented encoding (unsigned if ``lo >= 0``, else two's complement)."""
        return bits_for(self.lo, self.hi)

    def contains(self, value: int) -> bool:
        return self.lo <= value <= self.hi

    def union(self, other: Interval) -> Interval:
        return Interval(min(self.lo, other.lo), max(self.hi, other.hi))

    def fits(self) -> bool:
        """Whether the range stays inside the exact-float64 limit."""
        return self.lo >= -MAX_ABS_VALUE and self.hi <= MAX_ABS_VALUE

    def __str__(self) -> str:
        return f"{self.lo}..{self.hi}"


def bits_for(lo: int, hi: int) -> int:
    """Bits to store every integer of ``lo..hi``: unsigned if ``lo >= 0``, else two's complement."""
    if lo >= 0:
        return max(1, int(hi).bit_length())
    magnitude = max(-lo - 1, hi, 0)
    return 1 + max(1, int(magnitude).bit_length())


def hull(values: list[int]) -> Interval:
    """Smallest interval holding all ``values`` (non-empty)."""
    return Interval(min(values), max(values))
