"""The Masked-ARM canvas of the Theorem 3 wrapper: regions, position-tagged tokens, read-out.

Theorem 3 (docs/paper.md §2) says any-order generation adds no power once tokens-per-step and the
architecture are fixed. Our construction (docs/theorem3.md) lays the Masked-ARM canvas out as

    [ original region: the MDM's initial canvas x0, S cells ]
    [ log region: K cells, K = number of masks in x0           ]
    [ read-out region: S cells (optional)                       ]

and fills it strictly left to right, one token per step. Log cell ``j`` holds the MDM's ``j``-th
decision as ONE position-tagged token ``(p, t)`` = "the MDM filled position p with token t". The
read-out region finally copies the MDM's final canvas. The Masked-ARM's mask is a *new* token:
the MDM's own mask stays an ordinary token of the original region ("this cell is still a hole"),
so the leftmost-mask rule never lands in the original region.

The MDM's token ids form a range ``lo..hi`` (``V = hi - lo + 1`` ids, its mask included; ``lo`` may
be negative, e.g. an ``IntVocab`` of signed values). Masked-ARM ids start at 0:

* ``t - lo``                   the MDM token ``t`` (original and read-out regions)
* ``V + p*V + (t - lo)``       the tagged token (p, t), ``0 <= p < S`` (log region)
* ``V*(S+1)``                  the Masked-ARM mask

so the vocabulary has ``V*(S+1) + 1`` tokens: polynomial in S, as the theorem needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.errors import ShapeError, UsageError

#: Largest MDM context the wrapper accepts (an explicit limit: the tagged vocabulary has
#: V*(S+1)+1 ids and the dense reference path costs O(S'^2) per step).
MAX_CONTEXT = 1 << 16
#: Largest Masked-ARM id the wrapper accepts: V*(S+1) must be exact in the encoder language
#: (whose values are limited to |v| <= 2^53 - 1, see simulators.encoder.intervals).
MAX_TAGGED_ID = (1 << 53) - 1


@dataclass(frozen=True)
class MaskedArmLayout:
    """Sizes and token ids of the Masked-ARM canvas for an MDM of context ``context``.

    ``id_lo..id_hi`` is the MDM's token-id range, ``mdm_mask`` its mask id and ``readout`` whether
    the read-out region is present.
    """

    context: int
    id_lo: int
    id_hi: int
    mdm_mask: int
    readout: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.context <= MAX_CONTEXT:
            raise UsageError(f"context must be in 1..{MAX_CONTEXT}, got {self.context}")
        if self.vocab_size < 2:
            raise UsageError(f"the MDM vocabulary must have >= 2 ids, got {self.vocab_size}")
        if self.vocab_size * (self.context + 1) > MAX_TAGGED_ID:
            raise UsageError(f"V*(S+1) = {self.vocab_size}*{self.context + 1} tagged ids exceed "
                             f"the exact limit {MAX_TAGGED_ID} of the encoder language")
        if not self.id_lo <= self.mdm_mask <= self.id_hi:
            raise UsageError(f"mask id {self.mdm_mask} is outside {self.id_lo}..{self.id_hi}")

    # -- token ids -------------------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        """V: number of MDM token ids (mask included)."""
        return self.id_hi - self.id_lo + 1

    @property
    def hole(self) -> int:
        """The MDM mask as a Masked-ARM token: an ordinary token meaning "not filled yet"."""
        return self.mdm_mask - self.id_lo

    @property
    def tag_base(self) -> int:
        """Id of the tagged token (0, lo); tagged ids are ``V .. V*(S+1) - 1``."""
        return self.vocab_size

    @property
    def mask_id(self) -> int:
        """The Masked-ARM's own mask token (never a token of the MDM)."""
        return self.vocab_size * (self.context + 1)

    @property
    def new_vocab_size(self) -> int:
        return self.mask_id + 1

    def tag(self, position: np.ndarray | int, token: np.ndarray | int) -> np.ndarray:
        """The tagged id(s) for "the MDM filled ``position`` with (MDM) token ``token``"."""
        pos = np.asarray(position, np.int64)
        tok = np.asarray(token, np.int64) - self.id_lo
        return self.tag_base + pos * self.vocab_size + tok

    def untag(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of :meth:`tag`: (positions, MDM tokens); raises on an id that is not a tag."""
        ids = np.asarray(ids, np.int64)
        bad = (ids < self.tag_base) | (ids >= self.mask_id)
        if bad.any():
            raise ShapeError(f"not a tagged token: {int(ids[bad][0])}")
        pos, tok = np.divmod(ids - self.tag_base, self.vocab_size)
        return pos, tok + self.id_lo

    # -- canvases --------------------------------------------------------------------------
    def log_length(self, initial: np.ndarray) -> int:
        """K: one log cell per MDM decoding step = number of masks in the MDM's initial canvas."""
        return int(np.count_nonzero(self.check_mdm_canvas(initial) == self.mdm_mask))

    def total_length(self, initial: np.ndarray) -> int:
        """S' = S + K (+ S with the read-out region): the Masked-ARM's context."""
        return self.context + self.log_length(initial) + (self.context if self.readout else 0)

    def initial_canvas(self, initial: np.ndarray) -> np.ndarray:
        """The Masked-ARM's first canvas: ``x0`` (relabelled), then masks for log and read-out."""
        x0 = self.check_mdm_canvas(initial)
        out = np.full(self.total_length(x0), self.mask_id, dtype=np.int64)
        out[: self.context] = x0 - self.id_lo
        return out

    def split(self, canvas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(original, log, read-out) regions of a Masked-ARM canvas, Masked-ARM ids."""
        canvas = np.asarray(canvas, np.int64)
        s = self.context
        k = int(np.count_nonzero(canvas[:s] == self.hole))
        return canvas[:s], canvas[s : s + k], canvas[s + k :]

    def log_of(self, canvas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The filled part of the log region as (positions, MDM tokens), in decoding order."""
        _, log, _ = self.split(canvas)
        return self.untag(log[log != self.mask_id])

    def rebuild(self, canvas: np.ndarray) -> np.ndarray:
        """The MDM canvas (MDM ids) the log describes: x0 with every logged decision applied.

        The plain numpy counterpart of the wrapper's rebuild attention, used to decode results and
        by the tests as an independent reference.
        """
        original, _, _ = self.split(canvas)
        out = original + self.id_lo
        pos, tok = self.log_of(canvas)
        out[pos] = tok
        return out

    def final_mdm_canvas(self, canvas: np.ndarray) -> np.ndarray:
        """What the Masked-ARM produced, in MDM ids: the read-out region (or the rebuilt canvas)."""
        if not self.readout:
            return self.rebuild(canvas)
        _, _, out = self.split(canvas)
        if len(out) != self.context:
            raise ShapeError(f"read-out region has {len(out)} cells, expected {self.context}")
        return out + self.id_lo

    def check_mdm_canvas(self, canvas: np.ndarray) -> np.ndarray:
        """An MDM canvas of exactly ``context`` ids in ``lo..hi``, as int64 (else ShapeError)."""
        x0 = np.asarray(canvas, dtype=np.int64)
        if x0.shape != (self.context,):
            raise ShapeError(f"expected an MDM canvas of {self.context} tokens, got shape "
                             f"{x0.shape}")
        if ((x0 < self.id_lo) | (x0 > self.id_hi)).any():
            raise ShapeError(f"the MDM canvas has token ids outside {self.id_lo}..{self.id_hi}")
        return x0
