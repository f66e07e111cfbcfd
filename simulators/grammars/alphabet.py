"""Token ids, readable names and the word parser for one- and two-sided Dyck-k.

Id scheme (shared by both languages, so a one-sided word *is* a two-sided word with the same ids):

* ids ``0 .. k-1``   are the openers / generators ``a_1 .. a_k``;
* ids ``k .. 2k-1``  are the closers / inverses ``ā_1 .. ā_k``;
* the partner (inverse) of id ``t`` is ``(t + k) % 2k``.

Readable names (each name is one token; ``DyckAlphabet.names[i]`` is the name of id ``i``, so
``simulators.processes.Vocab(alphabet.names, ...)`` gives the same ids):

* two-sided: ``a1 .. ak`` for generators and ``A1 .. Ak`` for their inverses (capital = inverse,
  the usual notation of combinatorial group theory); ``~a1`` is accepted as a synonym of ``A1``;
* one-sided, k <= 4: the brackets ``( ) [ ] { } < >`` (type 1..4); one-sided, k > 4: ``(1 .. (k``
  and ``)1 .. )k``; the numbered form is accepted for every k (``(2`` is ``[`` when k <= 4).

The empty word is written ``ε`` (the parser also accepts the empty string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from simulators.errors import ParseError, SourceLocation, UsageError

LANGUAGES = ("dyck", "two-sided-dyck")
"""Language names used by the CLI and :class:`DyckAlphabet`."""

EMPTY_WORD = "ε"

_BRACKETS = (("(", ")"), ("[", "]"), ("{", "}"), ("<", ">"))
MAX_K = 1_000  # names stay short; a larger alphabet is never needed by the paper's checks
_MAX_K = MAX_K

_TWO_SIDED_TOKEN = re.compile(r"\s*(?:(~?)(a)(\d+)|(A)(\d+))")
_ONE_SIDED_TOKEN = re.compile(r"\s*(?:([(])(\d+)|([)])(\d+)|([(\[{<])|([)\]}>]))")
_SPACE = re.compile(r"\s*")
# byte tables of the vectorised tokenizer (:meth:`DyckAlphabet._parse_fast`)
_SPACE_BYTES = np.frombuffer(b" \t\n\r\x0b\x0c", dtype=np.uint8)
_HEADS_TWO = np.frombuffer(b"aA", dtype=np.uint8)
_HEADS_ONE = np.frombuffer(b"()[]{}<>", dtype=np.uint8)
_PARENS = np.frombuffer(b"()", dtype=np.uint8)
_CLOSERS = np.frombuffer(b")]}>", dtype=np.uint8)
_BRACKET_SORTED = np.sort(_HEADS_ONE)
_BRACKET_TYPE = np.array([1 + next(i for i, pair in enumerate(_BRACKETS) if chr(c) in pair)
                          for c in _BRACKET_SORTED.tolist()], dtype=np.int64)


def check_k(k: int) -> int:
    """Validate the number of bracket types / generators (1 <= k <= 1000)."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= _MAX_K:
        raise UsageError(f"k must be an integer in 1..{_MAX_K}, got {k!r}")
    return int(k)


def check_language(language: str) -> bool:
    """Return True for two-sided Dyck, False for one-sided; reject unknown names."""
    if language not in LANGUAGES:
        raise UsageError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return language == "two-sided-dyck"


def inverse_ids(ids: np.ndarray, k: int) -> np.ndarray:
    """The partner of every id: ``a_i <-> ā_i`` (vectorised)."""
    return (np.asarray(ids, dtype=np.int64) + k) % (2 * k)


@dataclass(frozen=True)
class DyckAlphabet:
    """Names, ids and parsing for one language (``"dyck"`` or ``"two-sided-dyck"``) and ``k``."""

    language: str
    k: int
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        check_language(self.language)
        object.__setattr__(self, "k", check_k(self.k))
        object.__setattr__(self, "names", tuple(_names(self.two_sided, self.k)))

    @property
    def two_sided(self) -> bool:
        return self.language == "two-sided-dyck"

    @property
    def size(self) -> int:
        """Number of letters, ``2k``."""
        return 2 * self.k

    def name(self, token: int) -> str:
        if not 0 <= token < self.size:
            raise UsageError(f"token id {token} is outside 0..{self.size - 1}")
        return self.names[token]

    def render(self, ids: np.ndarray | list[int]) -> str:
        """Readable form: brackets written together (k <= 4), other names space-separated."""
        arr = np.asarray(ids, dtype=np.int64)
        if arr.size == 0:
            return EMPTY_WORD
        if arr.min() < 0 or arr.max() >= self.size:
            raise UsageError(f"word contains ids outside 0..{self.size - 1}")
        sep = "" if (not self.two_sided and self.k <= len(_BRACKETS)) else " "
        return sep.join(self.names[t] for t in arr.tolist())

    def parse(self, text: str, *, file: str = "<word>", line: int = 1) -> np.ndarray:
        """Parse a word (names with or without spaces) into an int64 id array.

        Raises :class:`ParseError` with the column of the first bad character.
        """
        if text.strip() in ("", EMPTY_WORD):
            return np.zeros(0, dtype=np.int64)
        fast = self._parse_fast(text)
        return fast if fast is not None else self._parse_exact(text, file=file, line=line)

    def _parse_exact(self, text: str, *, file: str = "<word>", line: int = 1) -> np.ndarray:
        """The regex tokenizer (linear, one Python step per token): used for anything the fast
        path does not accept, so every error message and column comes from here."""
        if text.strip() in ("", EMPTY_WORD):
            return np.zeros(0, dtype=np.int64)
        pattern = _TWO_SIDED_TOKEN if self.two_sided else _ONE_SIDED_TOKEN
        ids: list[int] = []
        pos = 0
        end = len(text.rstrip())
        while pos < end:
            match = pattern.match(text, pos)
            if match is None:
                start = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                raise self._error(text, start, "expected " + self._expected(), file, line)
            token = self._token_id(match)
            if token is None:
                start = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                raise self._error(
                    text, start, f"letter index out of range for k = {self.k}", file, line
                )
            ids.append(token)
            pos = match.end()
        return np.asarray(ids, dtype=np.int64)

    def _parse_fast(self, text: str) -> np.ndarray | None:
        """Vectorised tokenizer for well-formed ASCII words (O(n), no Python loop over tokens);
        returns None whenever anything is unusual, and :meth:`parse` then reports it.

        A token is a *head* character (``a``/``A``; or a bracket) followed by its digits; a digit
        must follow a head or a digit (whitespace separates tokens), ``~`` must precede ``a``.
        """
        try:
            raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        except UnicodeEncodeError:
            return None
        is_digit = (raw >= 48) & (raw <= 57)
        is_space = np.isin(raw, _SPACE_BYTES)
        heads_chars = _HEADS_TWO if self.two_sided else _HEADS_ONE
        is_head = np.isin(raw, heads_chars)
        is_tilde = raw == ord("~")
        if not self.two_sided and is_tilde.any():
            return None
        if not np.all(is_digit | is_space | is_head | is_tilde):
            return None
        prev = np.concatenate([[ord(" ")], raw[:-1]])
        prev_ok = np.isin(prev, heads_chars) | ((prev >= 48) & (prev <= 57))
        if np.any(is_digit & ~prev_ok):
            return None
        nxt = np.concatenate([raw[1:], [ord(" ")]])
        if np.any(is_tilde & (nxt != ord("a"))):
            return None
        heads = np.flatnonzero(is_head)
        if heads.size == 0:
            return None
        digit_count = np.cumsum(is_digit)
        bounds = np.concatenate([heads[1:], [raw.size]])
        run = digit_count[bounds - 1] - digit_count[heads]  # digits right after each head
        if run.size and run.max() > 4:
            return None  # long indices: leave range errors and leading zeros to the slow path
        padded = np.concatenate([raw, np.zeros(4, dtype=np.uint8)]).astype(np.int64) - 48
        value = np.zeros(heads.size, dtype=np.int64)
        for j in range(1, 5):
            has = run >= j
            value = np.where(has, value * 10 + padded[heads + j], value)
        head_char = raw[heads]
        if self.two_sided:
            if np.any(run == 0):
                return None
            inverse = (head_char == ord("A")) | (
                (heads > 0) & (raw[np.maximum(heads - 1, 0)] == ord("~")))
            if np.any((head_char == ord("A")) & (heads > 0)
                      & (raw[np.maximum(heads - 1, 0)] == ord("~"))):
                return None
            index = value
        else:
            numbered = np.isin(head_char, _PARENS)
            if np.any((run > 0) & ~numbered):
                return None
            bracket_type = np.searchsorted(_BRACKET_SORTED, head_char)
            index = np.where(run > 0, value, _BRACKET_TYPE[bracket_type])
            inverse = np.isin(head_char, _CLOSERS)
        if np.any((index < 1) | (index > self.k)):
            return None
        return (index - 1 + np.where(inverse, self.k, 0)).astype(np.int64)

    def _token_id(self, m: re.Match[str]) -> int | None:
        if self.two_sided:
            inverse = bool(m.group(1)) or m.group(4) is not None
            index = int(m.group(3) if m.group(3) is not None else m.group(5))
        elif m.group(1) is not None or m.group(3) is not None:
            inverse = m.group(3) is not None
            index = int(m.group(2) if m.group(2) is not None else m.group(4))
        else:
            char = m.group(5) or m.group(6)
            inverse = m.group(6) is not None
            index = 1 + next(i for i, pair in enumerate(_BRACKETS) if char in pair)
        if not 1 <= index <= self.k:
            return None
        return index - 1 + (self.k if inverse else 0)

    def _expected(self) -> str:
        if self.two_sided:
            return f"a letter a1..a{self.k} or an inverse A1..A{self.k}"
        if self.k <= len(_BRACKETS):
            shown = " ".join(o + c for o, c in _BRACKETS[: self.k])
            return f"a bracket ({shown}) or a numbered bracket (1..(k / )1..)k"
        return f"a numbered bracket (1..({self.k} or )1..){self.k}"

    @staticmethod
    def _error(text: str, index: int, message: str, file: str, line: int) -> ParseError:
        loc = SourceLocation(file=file, line=line, col=index + 1, source_line=text)
        return ParseError(message, loc)


def _names(two_sided: bool, k: int) -> list[str]:
    if two_sided:
        return [f"a{i}" for i in range(1, k + 1)] + [f"A{i}" for i in range(1, k + 1)]
    if k <= len(_BRACKETS):
        return [o for o, _ in _BRACKETS[:k]] + [c for _, c in _BRACKETS[:k]]
    return [f"({i}" for i in range(1, k + 1)] + [f"){i}" for i in range(1, k + 1)]
