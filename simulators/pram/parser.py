"""Parse ``.pram`` text into a :class:`~simulators.pram.syntax.ProgramAst` (lark, LALR).

Every failure is a :class:`~simulators.errors.ParseError` or
:class:`~simulators.errors.ValidationError` with a source location -- never a lark exception.
"""

from __future__ import annotations

import functools
import re

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from simulators.errors import ParseError, SourceLocation, ValidationError
from simulators.pram.grammar import GRAMMAR
from simulators.pram.nesting import MAX_EXPR_DEPTH, MAX_LITERAL_DIGITS, scan
from simulators.pram.syntax import (
    ArrayDeclAst,
    Assign,
    Binary,
    Call,
    Expr,
    For,
    If,
    Index,
    Name,
    Num,
    Pos,
    ProgramAst,
    Skip,
    Stmt,
    Store,
    Unary,
    While,
)

_ARITH = {
    "+": "add", "-": "sub", "*": "mul", "\u00d7": "mul", "/": "div", "//": "fdiv",
    "div": "fdiv", "%": "mod", "mod": "mod",
}
_COMPARE = {
    "==": "eq", "=": "eq", "!=": "ne", "<>": "ne", "\u2260": "ne", "<": "lt", "<=": "le",
    "\u2264": "le", ">": "gt", ">=": "ge", "\u2265": "ge",
}
#: Largest integer literal accepted (the widest word is 64 bits).
_MAX_LITERAL = 2**63 - 1
#: Longest program text accepted (a safety limit; real programs are a few KB).
MAX_SOURCE_CHARS = 1_000_000


@functools.lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _pos(tok: object) -> Pos:
    line = getattr(tok, "line", None)
    col = getattr(tok, "column", None)
    if line is None:
        meta = getattr(tok, "meta", None)
        line = getattr(meta, "line", 0) if meta is not None else 0
        col = getattr(meta, "column", 0) if meta is not None else 0
    return Pos(int(line or 0), int(col or 0))


def _epos(e: Expr | Stmt) -> Pos:
    return e.pos


class _Build(Transformer):
    """Turn the lark tree into syntax-tree nodes."""

    def __init__(self, file: str, lines: list[str]) -> None:
        super().__init__()
        self.file = file
        self.lines = lines
        self._depth: dict[int, int] = {}  # id(expression node) -> depth of its tree

    def _err(self, msg: str, pos: Pos) -> ValidationError:
        return ValidationError(msg, _location(self.file, self.lines, pos.line, pos.col))

    def _nested(self, node: Expr, *children: Expr, at: Pos | None = None) -> Expr:
        """Record ``node``'s tree depth; refuse trees deeper than MAX_EXPR_DEPTH (the compiler
        recurses over them) at the operand where the limit is crossed."""
        depth = 1 + max((self._depth.get(id(c), 1) for c in children), default=0)
        if depth > MAX_EXPR_DEPTH:
            raise self._err(f"expression nests deeper than {MAX_EXPR_DEPTH} levels (operators "
                            f"and parentheses); split it using local variables", at or node.pos)
        self._depth[id(node)] = depth
        return node

    # ---- expressions
    def number(self, items: list[Token]) -> Expr:
        (tok,) = items
        if len(tok.lstrip("0")) > MAX_LITERAL_DIGITS:
            raise self._err(f"integer literal of {len(tok)} digits does not fit in 64 bits",
                            _pos(tok))
        value = int(tok)
        if value > _MAX_LITERAL:
            raise self._err(f"integer literal {tok} does not fit in 64 bits", _pos(tok))
        return Num(value, pos=_pos(tok))

    def name(self, items: list[Token]) -> Expr:
        (tok,) = items
        return Name(str(tok), pos=_pos(tok))

    def index(self, items: list) -> Expr:
        tok, idx = items
        return self._nested(Index(str(tok), idx, pos=_pos(tok)), idx)

    def call(self, items: list) -> Expr:
        tok, *args = items
        return self._nested(Call(str(tok), tuple(args), pos=_pos(tok)), *args)

    def neg(self, items: list) -> Expr:
        (e,) = items
        if isinstance(e, Num):
            return Num(-e.value, pos=e.pos)
        return self._nested(Unary("neg", e, pos=e.pos), e)

    def not_op(self, items: list) -> Expr:
        (e,) = items
        return self._nested(Unary("not", e, pos=e.pos), e)

    def power(self, items: list) -> Expr:
        if len(items) == 1:
            return items[0]
        base, exp = items
        return self._nested(Binary("pow", base, exp, pos=base.pos), base, exp)

    def arith_chain(self, items: list) -> Expr:
        out = items[0]
        for i in range(1, len(items), 2):
            op = _ARITH[str(items[i])]
            out = self._nested(Binary(op, out, items[i + 1], pos=out.pos), out, items[i + 1],
                               at=items[i + 1].pos)
        return out

    def compare(self, items: list) -> Expr:
        if len(items) == 1:
            return items[0]
        left, op, right = items
        return self._nested(Binary(_COMPARE[str(op)], left, right, pos=left.pos), left, right)

    def or_chain(self, items: list) -> Expr:
        return self._logic("or", items)

    def and_chain(self, items: list) -> Expr:
        return self._logic("and", items)

    def _logic(self, op: str, items: list) -> Expr:
        out = items[0]
        for e in items[1:]:
            out = self._nested(Binary(op, out, e, pos=out.pos), out, e, at=e.pos)
        return out

    # ---- statements
    def stmts(self, items: list) -> tuple[Stmt, ...]:
        return tuple(s for s in items if isinstance(s, Stmt))

    def assign(self, items: list) -> Stmt:
        tok, _op, value = items
        return Assign(str(tok), value, pos=_pos(tok))

    def store(self, items: list) -> Stmt:
        tok, idx, _op, value = items
        return Store(str(tok), idx, value, pos=_pos(tok))

    @v_args(meta=True)
    def if_stmt(self, meta, items: list) -> Stmt:  # noqa: ANN001
        cond, then, elifs, orelse = items
        for econd, ebody in reversed(elifs):
            orelse = (If(econd, ebody, orelse, pos=econd.pos),)
        return If(cond, then, orelse, pos=Pos(meta.line, meta.column))

    def elifs(self, items: list) -> list:
        return list(items)

    def elif_part(self, items: list) -> tuple:
        return (items[0], items[1])

    def else_part(self, items: list) -> tuple[Stmt, ...]:
        return items[0] if items else ()

    @v_args(meta=True)
    def while_stmt(self, meta, items: list) -> Stmt:  # noqa: ANN001
        cond, body = items
        return While(cond, body, pos=Pos(meta.line, meta.column))

    @v_args(meta=True)
    def for_stmt(self, meta, items: list) -> Stmt:  # noqa: ANN001
        var, lo, hi, body = items
        return For(str(var), lo, hi, body, False, pos=Pos(meta.line, meta.column))

    @v_args(meta=True)
    def pardo_stmt(self, meta, items: list) -> Stmt:  # noqa: ANN001
        var, lo, hi, body = items
        return For(str(var), lo, hi, body, True, pos=Pos(meta.line, meta.column))

    @v_args(meta=True)
    def skip_stmt(self, meta, items: list) -> Stmt:  # noqa: ANN001
        return Skip(pos=Pos(meta.line, meta.column))

    # ---- header
    def sized_array(self, items: list) -> tuple:
        tok, size = items
        return (str(tok), size, _pos(tok))

    def named_array(self, items: list) -> tuple:
        (tok,) = items
        return (str(tok), None, _pos(tok))

    def h_model(self, items: list) -> tuple:
        return ("model", str(items[0]), _pos(items[0]))

    def h_word(self, items: list) -> tuple:
        return ("word", int(items[0]), _pos(items[0]))

    def h_param(self, items: list) -> tuple:
        return ("param", [(str(t), _pos(t)) for t in items], _pos(items[0]))

    def h_arrays(self, items: list) -> tuple:
        role, *decls = items
        return ("arrays", (str(role), decls), _pos(role))

    def h_processors(self, items: list) -> tuple:
        return ("processors", items[0], items[0].pos)

    def h_time(self, items: list) -> tuple:
        return ("time", items[0], items[0].pos)

    def h_memory(self, items: list) -> tuple:
        return ("memory", items[0], items[0].pos)

    def start(self, items: list) -> ProgramAst:
        name_tok, *headers, body = items
        return _assemble(str(name_tok), headers, body, self._err)


def _assemble(name: str, headers: list, body: tuple[Stmt, ...], err) -> ProgramAst:  # noqa: ANN001
    singles: dict[str, object] = {}
    positions: dict[str, Pos] = {}
    params: list[str] = []
    arrays: list[ArrayDeclAst] = []
    for kind, value, pos in headers:
        if kind in ("model", "word", "processors", "time", "memory"):
            if kind in singles:
                raise err(f"'{kind}' is declared twice", pos)
            singles[kind] = value
            positions[kind] = pos
        elif kind == "param":
            for pname, ppos in value:
                if pname in params:
                    raise err(f"parameter '{pname}' is declared twice", ppos)
                params.append(pname)
        else:
            role, decls = value
            for aname, size, apos in decls:
                arrays.append(ArrayDeclAst(aname, role, size, apos))
    for required in ("model", "processors", "time"):
        if required not in singles:
            raise err(f"the header must declare '{required}'", Pos(1, 1))
    for bound in ("processors", "time", "memory"):
        value = singles.get(bound)
        if isinstance(value, Num) and value.value < 0:  # a constant bound can be checked now
            raise err(f"the {bound} bound must be non-negative, got {value.value}",
                      positions[bound])
    word = int(singles.get("word", 64))  # type: ignore[call-overload]
    if not 2 <= word <= 64:
        raise err(f"word size must be between 2 and 64 bits, got {word}", positions["word"])
    return ProgramAst(
        name=name,
        model=str(singles["model"]),
        word_bits=word,
        params=tuple(params),
        arrays=tuple(arrays),
        processors=singles["processors"],  # type: ignore[arg-type]
        time=singles["time"],  # type: ignore[arg-type]
        memory=singles.get("memory"),  # type: ignore[arg-type]
        body=body,
        header_pos=positions,
    )


def _location(file: str, lines: list[str], line: int | None, col: int | None) -> SourceLocation:
    src = lines[line - 1] if line and 0 < line <= len(lines) else None
    return SourceLocation(file=file, line=line or None, col=col or None, source_line=src)


def _describe_expected(err: UnexpectedInput) -> str:
    expected = getattr(err, "expected", None) or getattr(err, "allowed", None) or set()
    names = sorted(_pretty_terminal(t) for t in expected)[:8]
    return ", expected one of: " + ", ".join(names) if names else ""


#: What the named terminals of the grammar mean, for "expected one of: ..." messages.
_TERMINAL_WORDS = {
    "MODEL": "a memory model (EREW, CREW, CRCW-common, CRCW-arbitrary, CRCW-priority, "
             "CRCW-sum, CRCW-min, CRCW-max)",
    "ROLE": "an array role (input, output, inout, shared)",
    "NAME": "a name", "INT": "an integer", "ASSIGN": "':='", "COMPARE": "a comparison",
    "ADDOP": "'+' or '-'", "MULOP": "'*', '//', '/', '%', 'mod' or 'div'",
}
# atomic group and possessive quantifiers: a linear match (a plain `(?:\s|#[^\n]*)*` backtracks
# exponentially over comments holding several '#', found by tools/fuzz_frontends.py)
_NAMELESS_PROGRAM = re.compile(r"\A(?>\s|#[^\n]*+)*+(program)[ \t]*+(?:#[^\n]*+)?(?:\n|\Z)")


def _pretty_terminal(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    try:
        term = _lark().get_terminal(name)
    except (KeyError, LarkError):
        return name
    pattern = term.pattern
    if pattern.type == "str":
        return repr(pattern.value)
    return name


def parse_source(text: str, file: str = "<input>") -> ProgramAst:
    """Parse program text; raise :class:`ParseError` / :class:`ValidationError` on bad input."""
    if len(text) > MAX_SOURCE_CHARS:
        raise ParseError(f"program text longer than {MAX_SOURCE_CHARS} characters",
                         SourceLocation(file))
    lines = text.splitlines()
    nesting = scan(text)
    if nesting.issue is not None:
        raise ParseError(nesting.issue.message,
                         _location(file, lines, nesting.issue.line, nesting.issue.col))
    nameless = _NAMELESS_PROGRAM.match(text)
    if nameless is not None:
        line = text.count("\n", 0, nameless.end(1)) + 1
        col = nameless.end(1) - (text.rfind("\n", 0, nameless.end(1)) + 1) + 1
        raise ParseError("the program needs a name: 'program NAME'",
                         _location(file, lines, line, col))
    try:
        tree = _lark().parse(text)
    except UnexpectedCharacters as err:
        loc = _location(file, lines, err.line, err.column)
        pos = err.pos_in_stream if err.pos_in_stream is not None else -1
        ch = text[pos] if 0 <= pos < len(text) else "?"
        raise ParseError(f"unexpected character {ch!r}", loc) from None
    except UnexpectedEOF as err:
        if nesting.unclosed is not None:
            loc = _location(file, lines, nesting.unclosed.line, nesting.unclosed.col)
            raise ParseError(f"unexpected end of program: {nesting.unclosed.message}",
                             loc) from None
        last = len(lines) or 1
        loc = _location(file, lines, last, len(lines[-1]) + 1 if lines else 1)
        raise ParseError("unexpected end of program" + _describe_expected(err), loc) from None
    except UnexpectedInput as err:
        tok = getattr(err, "token", None)
        at_end = tok is None or tok.type == "$END"
        if at_end and nesting.unclosed is not None:
            loc = _location(file, lines, nesting.unclosed.line, nesting.unclosed.col)
            raise ParseError(f"unexpected end of program: {nesting.unclosed.message}",
                             loc) from None
        loc = _location(file, lines, err.line, err.column)
        what = "end of program" if at_end else repr(str(tok))
        raise ParseError(f"unexpected {what}" + _describe_expected(err), loc) from None
    except RecursionError:
        raise ParseError("program nests too deeply", SourceLocation(file)) from None
    except LarkError as err:  # any other lark failure is still bad text, not a crash
        raise ParseError(f"cannot parse program: {err}", SourceLocation(file)) from None
    try:
        return _Build(file, lines).transform(tree)
    except RecursionError:
        raise ParseError("program nests too deeply", SourceLocation(file)) from None
    except LarkError as err:
        inner = getattr(err, "orig_exc", None)
        if isinstance(inner, (ParseError, ValidationError)):
            raise inner from None
        raise ParseError(f"cannot parse program: {err}", SourceLocation(file)) from None
