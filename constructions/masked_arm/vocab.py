"""The Masked-ARM vocabulary of the Theorem 3 wrapper, with readable names.

Ids follow :class:`~constructions.masked_arm.layout.MaskedArmLayout`: the MDM's tokens first, then
one tagged token ``p@name`` per (position, token) pair, then the Masked-ARM's own mask ``[M*]``.
Names are computed on demand: the tagged part has ``V*S`` entries and usually only a few are ever
rendered.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from constructions.masked_arm.layout import MaskedArmLayout
from simulators.errors import UsageError
from simulators.processes import BaseVocab, IntVocab

#: Most names :meth:`TaggedVocab.to_dict` lists (a trace JSON of a bigger vocabulary is refused).
MAX_LISTED_NAMES = 1 << 20


def mdm_id_range(vocab: BaseVocab) -> tuple[int, int]:
    """The id range ``lo..hi`` of an MDM vocabulary (IntVocab ids may start below 0)."""
    if isinstance(vocab, IntVocab):
        return vocab.lo, vocab.hi + len(vocab.specials)
    return 0, len(vocab) - 1


def _is_name(vocab: BaseVocab, name: str) -> bool:
    try:
        vocab.id(name)
    except UsageError:
        return False
    return True


class TaggedVocab(BaseVocab):
    """Names for the Masked-ARM canvas: ``name`` (MDM token), ``p@name`` (log entry), ``[M*]``."""

    def __init__(self, mdm_vocab: BaseVocab, layout: MaskedArmLayout) -> None:
        self.mdm_vocab = mdm_vocab
        self.layout = layout
        self.mask_id = layout.mask_id
        self.bos_id = None
        self.eos_id = None
        mask = "[M*]"
        while _is_name(mdm_vocab, mask):  # never clash with an MDM token name
            mask = mask[:-1] + "*]"
        self._mask_name = mask

    def __len__(self) -> int:
        return self.layout.new_vocab_size

    def __repr__(self) -> str:
        return f"TaggedVocab({self.mdm_vocab!r}, context={self.layout.context})"

    def name(self, token_id: int) -> str:
        t, lay = int(token_id), self.layout
        if 0 <= t < lay.tag_base:
            return self.mdm_vocab.name(t + lay.id_lo)
        if lay.tag_base <= t < lay.mask_id:
            pos, tok = lay.untag(np.array([t]))
            return f"{int(pos[0])}@{self.mdm_vocab.name(int(tok[0]))}"
        if t == lay.mask_id:
            return self._mask_name
        raise UsageError(f"token id {t} is not in the Masked-ARM vocabulary (0..{len(self) - 1})")

    def id(self, name: str) -> int:
        lay = self.layout
        if name == self._mask_name:
            return lay.mask_id
        head, sep, tail = name.partition("@")
        if sep and head.isdigit() and head.isascii() and len(head) < 12:
            pos = int(head)
            if pos < lay.context:
                return int(lay.tag(pos, self.mdm_vocab.id(tail)))
        return self.mdm_vocab.id(name) - lay.id_lo

    def contains(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids)
        return (ids >= 0) & (ids < len(self))

    def to_dict(self) -> dict[str, Any]:
        """A plain "names" vocabulary (so traces round-trip through JSON as a ``Vocab``); lists
        every name, so only for small vocabularies (refused beyond ``MAX_LISTED_NAMES``)."""
        if len(self) > MAX_LISTED_NAMES:
            raise UsageError(f"the Masked-ARM vocabulary has {len(self)} tokens; listing more "
                             f"than {MAX_LISTED_NAMES} names is refused")
        names = [self.name(i) for i in range(len(self))]
        return {"kind": "names", "names": names, "mask": self._mask_name, "bos": None, "eos": None}
