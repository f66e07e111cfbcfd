"""Concurrent-access rules of the memory models, applied once per step (docs/pram-isa.md).

Vectorised: addresses are checked with a cheap "strictly increasing" test first (the common case:
processor ``i`` touches cell ``i``), and only otherwise sorted to find equal addresses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.pram.isa import MemoryModel


@dataclass(frozen=True)
class Conflict:
    """A forbidden concurrent access: the cell and every processor accessing it.

    The cell is the one accessed by ``lowest``, the lowest processor id in *any* forbidden
    access of this kind in the step: when one step has several faults, the one of the lowest
    processor id is reported (docs/pram-isa.md, "Faults").
    """

    kind: str  # "read" | "write"
    address: int
    pids: tuple[int, ...]
    values: tuple[int, ...] = ()
    lowest: int = 0


def _distinct_fast(addr: np.ndarray) -> bool:
    return addr.size < 2 or bool((addr[1:] > addr[:-1]).all())


def first_duplicate(pids: np.ndarray, addr: np.ndarray, kind: str) -> Conflict | None:
    """The conflict of the lowest processor accessing a cell that another processor accesses
    too (None if all addresses are distinct)."""
    if _distinct_fast(addr):
        return None
    order = np.argsort(addr, kind="stable")
    sa = addr[order]
    dup = sa[1:] == sa[:-1]
    if not dup.any():
        return None
    involved = np.flatnonzero(np.isin(addr, sa[1:][dup]))
    first = involved[np.argmin(pids[involved])]
    a = int(addr[first])
    who = np.sort(pids[addr == a])
    return Conflict(kind, a, tuple(int(p) for p in who[:16]), lowest=int(pids[first]))


def resolve_writes(
    model: MemoryModel, pids: np.ndarray, addr: np.ndarray, vals: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Conflict | None]:
    """Apply the model's write rule: return (addresses, values) to commit, or a conflict."""
    if _distinct_fast(addr):
        return addr, vals, None
    if model.exclusive_write:
        c = first_duplicate(pids, addr, "write")
        if c is not None:
            return addr, vals, c
        return addr, vals, None
    # Sort by (address, pid) so that each address's writers are contiguous and pid-ordered.
    order = np.lexsort((pids, addr))
    sa, sp, sv = addr[order], pids[order], vals[order]
    starts = np.flatnonzero(np.r_[True, sa[1:] != sa[:-1]])
    ends = np.r_[starts[1:], sa.size]
    cells = sa[starts]
    if model is MemoryModel.CRCW_COMMON:
        same = np.r_[True, (sv[1:] == sv[:-1]) | (sa[1:] != sa[:-1])]
        if not same.all():
            involved = np.flatnonzero(np.isin(sa, sa[~same]))
            first = involved[np.argmin(sp[involved])]
            a = int(sa[first])
            sel = sa == a
            return addr, vals, Conflict("write", a, tuple(int(p) for p in sp[sel][:16]),
                                        tuple(int(v) for v in sv[sel][:16]),
                                        lowest=int(sp[first]))
        return cells, sv[starts], None
    if model is MemoryModel.CRCW_PRIORITY:
        return cells, sv[starts], None  # lowest pid first in each run
    if model is MemoryModel.CRCW_ARBITRARY:
        return cells, sv[ends - 1], None  # documented choice: the highest pid wins
    if model is MemoryModel.CRCW_MIN:
        return cells, np.minimum.reduceat(sv, starts), None
    if model is MemoryModel.CRCW_MAX:
        return cells, np.maximum.reduceat(sv, starts), None
    if model is MemoryModel.CRCW_SUM:
        return cells, _exact_sums(sv, starts), None
    raise ValueError(f"unknown memory model {model}")  # pragma: no cover


def _exact_sums(sv: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-run sums; runs whose float estimate nears 2^63 are redone with Python integers.

    A sum that does not fit in int64 is returned as an object array element so the caller's word
    check reports it as an overflow instead of wrapping.
    """
    with np.errstate(over="ignore"):
        sums = np.add.reduceat(sv, starts)
    approx = np.add.reduceat(np.abs(sv.astype(np.float64)), starts)
    risky = np.flatnonzero(approx >= 2.0**62)
    if risky.size == 0:
        return sums
    out = sums.astype(object)
    ends = np.r_[starts[1:], sv.size]
    for k in risky.tolist():  # rare: only cells whose writers' magnitudes sum near 2^63
        out[k] = sum(int(x) for x in sv[starts[k]:ends[k]].tolist())
    return out
