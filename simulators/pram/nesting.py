"""Nesting limits of the ``.pram`` front end, checked by a linear scan *before* parsing.

The parser, the syntax-tree builder and the compiler are recursive, so a program nested
hundreds of levels deep would exhaust Python's recursion limit somewhere inside them and could
only be reported as "nests too deeply" with no position. This scan refuses such text first, with
the ``line:col`` of the token where a limit is crossed (docs/pram.md, "Limits"). It also finds
the block a truncated program leaves open, so "unexpected end of program" can point at it.

The scan needs no parser: ``if``/``while``/``for``/``begin`` and ``end`` are reserved words (they
can never be names), the language has no string literals, and comments run from ``#`` to the end
of the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Deepest nesting of blocks (``if``/``while``/``for``, inside ``begin ... end``).
MAX_BLOCK_DEPTH = 48
#: Deepest nesting of parentheses and brackets.
MAX_PAREN_DEPTH = 48
#: Deepest expression tree (operators and parentheses together); a flat ``a + b + ...`` chain of
#: N terms is N levels deep. Checked while the syntax tree is built.
MAX_EXPR_DEPTH = 150
#: Most digits of an integer literal (a 64-bit word has at most 19 decimal digits; longer
#: literals are refused before Python converts them).
MAX_LITERAL_DIGITS = 19

_TOKEN = re.compile(r"#[^\n]*|\b(if|while|for|begin|end)\b|[()\[\]]|\n")
_OPENERS = {"if", "while", "for", "begin"}


@dataclass(frozen=True)
class NestingIssue:
    """A problem found by :func:`scan`: message and 1-based line/column."""

    message: str
    line: int
    col: int


@dataclass(frozen=True)
class ScanResult:
    """``issue``: a nesting limit crossed (refuse the program); ``unclosed``: the block most
    likely left without its ``end`` (reported only when the parser hits the end of the text)."""

    issue: NestingIssue | None
    unclosed: NestingIssue | None


def scan(text: str) -> ScanResult:
    """One pass over ``text``: block and parenthesis depth, and the unclosed block if any.

    A block whose ``end`` sits at a smaller indentation than the block's own line is the
    likeliest to have lost its ``end`` (the ``end`` written for an outer block closed it).
    """
    blocks: list[tuple[str, int, int, int]] = []  # (keyword, line, col, indentation)
    parens = 0
    line, line_start = 1, 0
    suspect: tuple[str, int, int, int] | None = None
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok == "\n":
            line, line_start = line + 1, m.end()
            continue
        if tok.startswith("#"):
            continue
        col = m.start() - line_start + 1
        if tok in "([":
            parens += 1
            if parens > MAX_PAREN_DEPTH:
                return ScanResult(NestingIssue(
                    f"parentheses nest deeper than {MAX_PAREN_DEPTH} levels; split the "
                    f"expression using local variables", line, col), None)
        elif tok in ")]":
            parens = max(parens - 1, 0)
        elif tok in _OPENERS:
            indent = _indent(text, line_start)
            blocks.append((tok, line, col, indent))
            if len(blocks) > MAX_BLOCK_DEPTH + 1:  # + 1: the program's own begin ... end
                return ScanResult(NestingIssue(
                    f"blocks (if/while/for) nest deeper than {MAX_BLOCK_DEPTH} levels", line, col),
                    None)
        elif blocks:  # "end"
            opened = blocks.pop()
            if suspect is None and opened[3] > _indent(text, line_start):
                suspect = opened
    unclosed = None
    if blocks:
        kw, bl, bc, _ = suspect if suspect is not None else blocks[-1]
        unclosed = NestingIssue(f"this '{kw}' has no matching 'end'", bl, bc)
    return ScanResult(None, unclosed)


def _indent(text: str, line_start: int) -> int:
    i = line_start
    while i < len(text) and text[i] in " \t":
        i += 1
    return i - line_start
