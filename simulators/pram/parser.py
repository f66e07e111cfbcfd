"""Parse ``.pram`` text into a :class:`~simulators.pram.syntax.ProgramAst` (lark, LALR).

Every failure is a :class:`~simulators.errors.ParseError` or
:class:`~simulators.errors.ValidationError` with a source location -- never a lark exception.
"""

from __future__ import annotations

import functools

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from simulators.errors import ParseError, SourceLocation, ValidationError
from simulators.pram.grammar import GRAMMAR
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

    def _err(self, msg: str, pos: Pos) -> ValidationError:
        return ValidationError(msg, _location(self.file, self.lines, pos.line, pos.col))

    # ---- expressions
    def number(self, items: list[Token]) -> Expr:
        (tok,) = items
        value = int(tok)
        if value > _MAX_LITERAL:
            raise self._err(f"integer literal {tok} does not fit in 64 bits", _pos(tok))
        return Num(value, pos=_pos(tok))

    def name(self, items: list[Token]) -> Expr:
        (tok,) = items
        return Name(str(tok), pos=_pos(tok))

    def index(self, items: list) -> Expr:
        tok, idx = items
        return Index(str(tok), idx, pos=_pos(tok))

    def call(self, items: list) -> Expr:
        tok, *args = items
        return Call(str(tok), tuple(args), pos=_pos(tok))

    def neg(self, items: list) -> Expr:
        (e,) = items
        if isinstance(e, Num):
            return Num(-e.value, pos=e.pos)
        return Unary("neg", e, pos=e.pos)

    def not_op(self, items: list) -> Expr:
        (e,) = items
        return Unary("not", e, pos=e.pos)

    def power(self, items: list) -> Expr:
        if len(items) == 1:
            return items[0]
        base, exp = items
        return Binary("pow", base, exp, pos=base.pos)

    def arith_chain(self, items: list) -> Expr:
        out = items[0]
        for i in range(1, len(items), 2):
            op = _ARITH[str(items[i])]
            out = Binary(op, out, items[i + 1], pos=out.pos)
        return out

    def compare(self, items: list) -> Expr:
        if len(items) == 1:
            return items[0]
        left, op, right = items
        return Binary(_COMPARE[str(op)], left, right, pos=left.pos)

    def or_chain(self, items: list) -> Expr:
        return self._logic("or", items)

    def and_chain(self, items: list) -> Expr:
        return self._logic("and", items)

    @staticmethod
    def _logic(op: str, items: list) -> Expr:
        out = items[0]
        for e in items[1:]:
            out = Binary(op, out, e, pos=out.pos)
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
    word = int(singles.get("word", 64))  # type: ignore[arg-type]
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


def _pretty_terminal(name: str) -> str:
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
    try:
        tree = _lark().parse(text)
    except UnexpectedCharacters as err:
        loc = _location(file, lines, err.line, err.column)
        ch = text[err.pos_in_stream] if 0 <= err.pos_in_stream < len(text) else "?"
        raise ParseError(f"unexpected character {ch!r}", loc) from None
    except UnexpectedEOF as err:
        last = len(lines) or 1
        loc = _location(file, lines, last, len(lines[-1]) + 1 if lines else 1)
        raise ParseError("unexpected end of program" + _describe_expected(err), loc) from None
    except UnexpectedInput as err:
        tok = getattr(err, "token", None)
        loc = _location(file, lines, err.line, err.column)
        what = "end of program" if tok is None or tok.type == "$END" else repr(str(tok))
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
