"""Vocabularies: token ids <-> readable names, the mask token, optional BOS/EOS.

A canvas is a 1-D ``numpy.int64`` array of token ids; turning one into text for a person is the
vocabulary's job (docs/processes.md). Two kinds exist:

* :class:`Vocab` -- an explicit list of names, ids ``0..len-1``.
* :class:`IntVocab` -- the id of a value *is* the integer value for ``lo..hi``; special tokens
  (the mask first) follow at ``hi+1, hi+2, ...``. Constructions that write integers on the canvas
  (PRAM addresses and values) use it, so no lookup table is needed on the hot path.

>>> v = Vocab(["a", "b"], eos="[EOS]")
>>> v.encode("a [M] b"), v.mask_id, v.eos_id
(array([0, 2, 1]), 2, 3)
>>> v.render(v.encode("a [M] b"))
'a [M] b'
>>> iv = IntVocab(0, 9)
>>> iv.mask_id, iv.name(7), iv.render([3, 10])
(10, '7', '3 [M]')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from simulators.errors import UsageError

# Ids are int64 on the canvas; an IntVocab range must fit comfortably inside it.
_ID_LIMIT = 2**62


class BaseVocab:
    """What every vocabulary offers; the engines and renderers rely on this interface only."""

    mask_id: int
    bos_id: int | None
    eos_id: int | None

    def __len__(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def name(self, token_id: int) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def id(self, name: str) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def contains(self, ids: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        """Element-wise: is each id a token of this vocabulary? (vectorised)"""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def mask(self) -> str:
        """The mask token's name."""
        return self.name(self.mask_id)

    def encode(self, names: str | Iterable[str]) -> np.ndarray:
        """Names (a sequence, or one whitespace-separated string) -> an int64 canvas."""
        items = names.split() if isinstance(names, str) else list(names)
        return np.array([self.id(n) for n in items], dtype=np.int64)

    def decode(self, ids: Iterable[int] | np.ndarray) -> list[str]:
        """Token ids -> names (raises UsageError on an id outside the vocabulary)."""
        return [self.name(int(i)) for i in np.asarray(ids, dtype=np.int64).reshape(-1)]

    def render(self, canvas: Iterable[int] | np.ndarray, sep: str = " ") -> str:
        """A canvas as readable text, one name per position."""
        return sep.join(self.decode(canvas))

    def is_mask(self, canvas: np.ndarray) -> np.ndarray:
        """Element-wise ``canvas == mask_id``."""
        return np.asarray(canvas) == self.mask_id

    @staticmethod
    def from_dict(data: dict[str, Any]) -> BaseVocab:
        """Rebuild a vocabulary written by :meth:`to_dict` (used by the trace JSON reader)."""
        kind = data.get("kind")
        if kind == "names":
            return Vocab(data["names"], mask=data["mask"], bos=data.get("bos"),
                         eos=data.get("eos"))
        if kind == "int":
            return IntVocab(int(data["lo"]), int(data["hi"]), specials=tuple(data["specials"]),
                            mask=data["mask"], bos=data.get("bos"), eos=data.get("eos"))
        raise UsageError(f"unknown vocabulary kind {kind!r} in trace JSON")


class Vocab(BaseVocab):
    """Explicit names; ids ``0..len-1`` in the order given.

    ``mask`` (and ``bos`` / ``eos`` when given) are appended at the end, in that order, unless
    ``names`` already contains them. Names must be distinct non-empty strings without whitespace
    (so that :meth:`encode` of a rendered canvas gives the canvas back).
    """

    def __init__(self, names: Sequence[str], *, mask: str = "[M]", bos: str | None = None,
                 eos: str | None = None) -> None:
        all_names = list(names)
        for special in (mask, bos, eos):
            if special is not None and special not in all_names:
                all_names.append(special)
        for n in all_names:
            if not isinstance(n, str) or not n or any(c.isspace() for c in n):
                raise UsageError(f"token name {n!r} must be a non-empty string without spaces")
        if len(set(all_names)) != len(all_names):
            dup = sorted({n for n in all_names if all_names.count(n) > 1})
            raise UsageError(f"duplicate token names: {dup}")
        self.names: tuple[str, ...] = tuple(all_names)
        self._ids = {n: i for i, n in enumerate(self.names)}
        self.mask_id = self._ids[mask]
        self.bos_id = None if bos is None else self._ids[bos]
        self.eos_id = None if eos is None else self._ids[eos]

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"Vocab({list(self.names)!r}, mask={self.mask!r})"

    def name(self, token_id: int) -> str:
        if not 0 <= int(token_id) < len(self.names):
            raise UsageError(f"token id {token_id} is not in the vocabulary (0..{len(self) - 1})")
        return self.names[int(token_id)]

    def id(self, name: str) -> int:
        try:
            return self._ids[name]
        except KeyError:
            raise UsageError(f"unknown token name {name!r}") from None

    def contains(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids)
        return (ids >= 0) & (ids < len(self.names))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "names", "names": list(self.names), "mask": self.mask,
                "bos": None if self.bos_id is None else self.names[self.bos_id],
                "eos": None if self.eos_id is None else self.names[self.eos_id]}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]


class IntVocab(BaseVocab):
    """Integer values ``lo..hi`` are their own ids; ``specials`` take ids ``hi+1, hi+2, ...``.

    The mask is the special named ``mask`` (default ``"[M]"``; it must be in ``specials``). BOS and
    EOS are the specials named by ``bos`` / ``eos``; when those are not given, a special literally
    named ``"[BOS]"`` / ``"[EOS]"`` is used if present. Values are named by their decimal text, so
    ``id("-3") == -3``.
    """

    def __init__(self, lo: int, hi: int, *, specials: Sequence[str] = ("[M]",), mask: str = "[M]",
                 bos: str | None = None, eos: str | None = None) -> None:
        lo, hi = int(lo), int(hi)
        if lo > hi:
            raise UsageError(f"IntVocab needs lo <= hi, got lo={lo}, hi={hi}")
        if not (lo > -_ID_LIMIT and hi + len(specials) < _ID_LIMIT):
            raise UsageError(f"IntVocab range {lo}..{hi} does not fit in int64 token ids")
        specials = tuple(specials)
        if len(set(specials)) != len(specials):
            raise UsageError(f"duplicate special tokens: {specials}")
        for s in specials:
            if not isinstance(s, str) or not s or any(c.isspace() for c in s):
                raise UsageError(f"special {s!r} must be a non-empty string without spaces")
            if _parse_int(s) is not None:
                raise UsageError(f"special {s!r} would be confused with an integer value")
        if mask not in specials:
            raise UsageError(f"the mask {mask!r} must be one of the specials {specials}")
        self.lo, self.hi, self.specials = lo, hi, specials
        self._special_ids = {s: hi + 1 + i for i, s in enumerate(specials)}
        self.mask_id = self._special_ids[mask]
        bos = bos if bos is not None else ("[BOS]" if "[BOS]" in specials else None)
        eos = eos if eos is not None else ("[EOS]" if "[EOS]" in specials else None)
        for label, special in (("bos", bos), ("eos", eos)):
            if special is not None and special not in specials:
                raise UsageError(f"{label} {special!r} must be one of the specials {specials}")
        self.bos_id = None if bos is None else self._special_ids[bos]
        self.eos_id = None if eos is None else self._special_ids[eos]

    def __len__(self) -> int:
        return self.hi - self.lo + 1 + len(self.specials)

    def __repr__(self) -> str:
        return f"IntVocab({self.lo}, {self.hi}, specials={self.specials!r})"

    def name(self, token_id: int) -> str:
        t = int(token_id)
        if self.lo <= t <= self.hi:
            return str(t)
        if self.hi < t <= self.hi + len(self.specials):
            return self.specials[t - self.hi - 1]
        raise UsageError(f"token id {t} is not in the vocabulary ({self.lo}..{self.hi} "
                         f"or a special)")

    def id(self, name: str) -> int:
        if name in self._special_ids:
            return self._special_ids[name]
        value = _parse_int(name)
        if value is None or not self.lo <= value <= self.hi:
            raise UsageError(f"unknown token name {name!r} (values are {self.lo}..{self.hi})")
        return value

    def contains(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids)
        return (ids >= self.lo) & (ids <= self.hi + len(self.specials))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "int", "lo": self.lo, "hi": self.hi, "specials": list(self.specials),
                "mask": self.mask,
                "bos": None if self.bos_id is None else self.name(self.bos_id),
                "eos": None if self.eos_id is None else self.name(self.eos_id)}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntVocab) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]


def _parse_int(text: str) -> int | None:
    """Decimal integer text -> int, else None (no eval: a plain, bounded parse)."""
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit() or not body.isascii() or len(body) > 20:
        return None
    return int(text)
