"""Near-miss non-members: words at edit distance 1 or 2 from a member (negative test data).

One or two random edits (substitute, insert or delete one letter) are applied to a member and the
result is kept only if it is *not* a member, so its edit distance to the member is >= 1 (it differs)
and <= the number of edits applied. Note that a single edit of a member never yields a member
(length parity changes, or one letter changes the group element), while two edits sometimes do
(e.g. retyping both brackets of a pair) -- those are rejected.
"""

from __future__ import annotations

import numpy as np

from simulators.errors import LimitExceeded, UsageError
from simulators.grammars.alphabet import check_k
from simulators.grammars.reduction import as_word, is_member

EDITS = ("substitute", "insert", "delete")


def apply_random_edit(word: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """One random substitution / insertion / deletion (a substitution always changes the letter)."""
    d = 2 * k
    kinds = [e for e in EDITS if e != "delete" or word.size > 0]
    if word.size == 0:
        kinds = ["insert"]
    kind = kinds[int(rng.integers(len(kinds)))]
    if kind == "insert":
        return np.insert(word, int(rng.integers(word.size + 1)), int(rng.integers(d)))
    pos = int(rng.integers(word.size))
    if kind == "delete":
        return np.delete(word, pos)
    out = word.copy()
    out[pos] = (out[pos] + 1 + int(rng.integers(d - 1))) % d
    return out


def near_misses(
    word: np.ndarray | list[int],
    k: int,
    rng: np.random.Generator,
    *,
    two_sided: bool,
    num: int = 10,
    max_edits: int = 2,
    max_tries: int = 10_000,
) -> list[np.ndarray]:
    """``num`` non-members, each made by 1..``max_edits`` random edits of ``word`` (a member)."""
    k = check_k(k)
    base = as_word(word, k)
    if not is_member(base, k, two_sided=two_sided):
        raise UsageError("near_misses expects a member of the language as its starting word")
    if isinstance(num, bool) or not isinstance(num, int) or num < 0:
        raise UsageError(f"num must be a non-negative integer, got {num!r}")
    if max_edits not in (1, 2):
        raise UsageError(f"max_edits must be 1 or 2, got {max_edits!r}")
    out: list[np.ndarray] = []
    for _ in range(max_tries):
        if len(out) == num:
            return out
        edited = base
        for _ in range(int(rng.integers(1, max_edits + 1))):
            edited = apply_random_edit(edited, k, rng)
        if not is_member(edited, k, two_sided=two_sided):
            out.append(edited)
    if len(out) < num:
        raise LimitExceeded(f"found only {len(out)} near misses in {max_tries} tries")
    return out
