"""Canvas layout of the edit-tracking AP-MDM: ids, the vocabulary, instances in and sequences out.

A canvas is ``[BOS] s_0 ... s_{m-1} [SEP] e_1 e_2 ...``: the current sequence (letters), a
separator, then the log of edits still to apply, three tokens each:

* ``ins p x`` -- insert letter ``x`` so that it becomes element ``p`` (``0 <= p <= m``);
* ``del p _`` -- delete element ``p`` (``0 <= p < m``).

Positions refer to the sequence *as it is when the edit is applied* (after the earlier edits).
``[BOS]`` is the anchor that lets an insert at the front happen (``g`` inserts *after* a
position). Ids: letters ``0..k-1``, positions ``p0..p{P}`` at ``k..k+P``, then ``ins``, ``del``,
``_``, ``[BOS]``, ``[SEP]``, ``[M]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulators.errors import UsageError

LETTERS = "abcdefghijklmnopqrstuvwxyz"
MAX_POSITIONS = 100_000

Edit = tuple[str, int, int]  # ("ins" | "del", position, letter id or -1)


@dataclass(frozen=True)
class EditLayout:
    """Ids for ``k`` letters and positions ``0..max_position``."""

    k: int
    max_position: int

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not 1 <= self.k <= len(LETTERS):
            raise UsageError(f"the alphabet size must be in 1..{len(LETTERS)}, got {self.k!r}")
        if not 0 <= self.max_position <= MAX_POSITIONS:
            raise UsageError(f"sequences are limited to {MAX_POSITIONS} elements")

    def position(self, p: int) -> int:
        return self.k + p

    @property
    def ins(self) -> int:
        return self.k + self.max_position + 1

    @property
    def delete(self) -> int:
        return self.ins + 1

    @property
    def blank(self) -> int:
        return self.ins + 2

    @property
    def bos(self) -> int:
        return self.ins + 3

    @property
    def sep(self) -> int:
        return self.ins + 4

    @property
    def mask(self) -> int:
        return self.ins + 5

    def vocab(self):  # -> simulators.processes.Vocab
        from simulators.processes import Vocab

        names = ([LETTERS[i] for i in range(self.k)]
                 + [f"p{p}" for p in range(self.max_position + 1)]
                 + ["ins", "del", "_", "[BOS]", "[SEP]"])
        return Vocab(names, mask="[M]", bos="[BOS]")

    def canvas(self, sequence: Sequence[int], edits: Sequence[Edit]) -> np.ndarray:
        out = [self.bos, *map(int, sequence), self.sep]
        for op, p, x in edits:
            if op == "ins":
                out += [self.ins, self.position(p), int(x)]
            else:
                out += [self.delete, self.position(p), self.blank]
        return np.array(out, dtype=np.int64)

    def sequence(self, canvas: np.ndarray) -> list[int]:
        """The letters between ``[BOS]`` and ``[SEP]``."""
        c = np.asarray(canvas, dtype=np.int64)
        sep = int(np.flatnonzero(c == self.sep)[0])
        return c[1:sep].tolist()

    def pending_edits(self, canvas: np.ndarray) -> int:
        """Edits of the log not yet applied (non-mask triples after ``[SEP]``)."""
        c = np.asarray(canvas, dtype=np.int64)
        sep = int(np.flatnonzero(c == self.sep)[0])
        log = c[sep + 1:]
        return int(((log == self.ins) | (log == self.delete)).sum())


def parse_letters(text: str, k: int, what: str = "sequence character") -> list[int]:
    """``"abca"`` -> letter ids; refuses letters outside the first ``k``."""
    out = []
    for i, ch in enumerate(text.strip()):
        j = LETTERS.find(ch)
        if j < 0 or j >= k:
            raise UsageError(f"{what} {i + 1}: {ch!r} is not one of the letters "
                             f"{LETTERS[:k]!r}")
        out.append(j)
    return out


def parse_edits(text: str, k: int) -> list[Edit]:
    """``"ins 2 c, del 0"`` -> edits (comma- or semicolon-separated)."""
    edits: list[Edit] = []
    for n, item in enumerate(filter(None, (s.strip() for s in text.replace(";", ",").split(",")))):
        parts = item.split()
        where = f"edit {n + 1} ({item!r})"
        if not parts or parts[0] not in ("ins", "del"):
            raise UsageError(f"{where}: expected 'ins POS LETTER' or 'del POS'")
        if (parts[0] == "ins" and len(parts) != 3) or (parts[0] == "del" and len(parts) != 2):
            raise UsageError(f"{where}: expected 'ins POS LETTER' or 'del POS'")
        if not (parts[1].isascii() and parts[1].isdigit()) or len(parts[1]) > 7:
            raise UsageError(f"{where}: position {parts[1]!r} is not a small non-negative integer")
        x = -1
        if parts[0] == "ins":
            if len(parts[2]) != 1:
                raise UsageError(f"{where}: insert one letter, got {parts[2]!r}")
            x = parse_letters(parts[2], k, f"{where}: letter")[0]
        edits.append((parts[0], int(parts[1]), x))
    return edits


def check_edits(length: int, edits: Sequence[Edit]) -> int:
    """Validate every position against the length the sequence has at that edit (lengths only:
    the contents are the construction's job). Returns the largest length reached."""
    longest = length
    for n, (op, p, _) in enumerate(edits):
        limit = length if op == "ins" else length - 1
        if not 0 <= p <= limit:
            raise UsageError(f"edit {n + 1} ({op} {p}): position out of range; the sequence "
                             f"has {length} element(s) then, so the position must be in "
                             f"0..{limit}" if limit >= 0 else
                             f"edit {n + 1} (del {p}): the sequence is empty then")
        length += 1 if op == "ins" else -1
        longest = max(longest, length)
    return longest


def random_instance(rng: np.random.Generator, length: int, num_edits: int, k: int,
                    ) -> tuple[list[int], list[Edit]]:
    """A random sequence and a random valid edit log (deletes only on non-empty sequences)."""
    seq = rng.integers(0, k, size=length).tolist()
    edits: list[Edit] = []
    m = length
    for _ in range(num_edits):
        if m == 0 or rng.random() < 0.5:
            edits.append(("ins", int(rng.integers(0, m + 1)), int(rng.integers(0, k))))
            m += 1
        else:
            edits.append(("del", int(rng.integers(0, m)), -1))
            m -= 1
    return seq, edits
