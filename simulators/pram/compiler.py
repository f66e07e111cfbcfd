"""Compile a ``.pram`` syntax tree to the instruction set of docs/pram-isa.md.

How each statement compiles (and what it costs in steps) is documented in docs/pram.md; the
short version: every expression node that is not a constant or a variable costs one instruction,
``if``/``while``/``for`` cost one ``JZ`` per test (plus a ``JMP`` per loop iteration), and a
``pardo`` costs ``FORK`` + the longest body path + ``JOIN`` park + release.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from simulators.errors import SourceLocation, ValidationError
from simulators.pram.isa import (
    PARAMS_ARRAY,
    ArrayDecl,
    Bounds,
    CompiledProgram,
    Instruction,
    MemoryModel,
)
from simulators.pram.parser import parse_source
from simulators.pram.syntax import (
    BOUND_FUNCTIONS,
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

_CODE_BIN = {
    "add": "add", "sub": "sub", "mul": "mul", "fdiv": "div", "mod": "mod", "pow": "pow",
    "eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge",
    "and": "and", "or": "or",
}
_CODE_UN_CALLS = ("abs", "log2", "sqrt")
RESERVED = ("pid",)
#: Most registers a program may use (a safety limit on program size, not on n).
MAX_REGISTERS = 256


@dataclass
class _Pardo:
    var: str
    lo_reg: int | None  # None: lo is the constant 0, so pid == the loop variable
    body_vars: set[str] = field(default_factory=set)


class _Compiler:
    def __init__(self, ast: ProgramAst, file: str, source: str) -> None:
        self.ast = ast
        self.file = file
        self.lines = source.splitlines()
        self.code: list[Instruction] = []
        self.reg_of: dict[str, int] = {}
        self.reg_names: list[str] = []
        self.free: list[int] = []
        self.seq_vars: set[str] = set()
        self.pardo: _Pardo | None = None
        self.frozen: set[str] = set()  # loop variables that may not be assigned
        self.arrays: dict[str, ArrayDecl] = {}
        self.params: tuple[str, ...] = ()
        self.word_lo = -(2 ** (ast.word_bits - 1))
        self.word_hi = 2 ** (ast.word_bits - 1) - 1

    # ------------------------------------------------------------ errors and registers
    def err(self, msg: str, pos: Pos) -> ValidationError:
        line = pos.line or None
        src = self.lines[pos.line - 1] if line and pos.line <= len(self.lines) else None
        return ValidationError(msg, SourceLocation(self.file, line, pos.col or None, src))

    def _new_reg(self, name: str, pos: Pos) -> int:
        if len(self.reg_names) >= MAX_REGISTERS:
            raise self.err(f"program needs more than {MAX_REGISTERS} registers", pos)
        self.reg_names.append(name)
        return len(self.reg_names) - 1

    def var_reg(self, name: str, pos: Pos) -> int:
        if name not in self.reg_of:
            self.reg_of[name] = self._new_reg(name, pos)
        return self.reg_of[name]

    def temp(self, pos: Pos) -> int:
        if self.free:
            return self.free.pop()
        return self._new_reg(f"t{len(self.reg_names)}", pos)

    def release(self, reg: int) -> None:
        if reg not in self.reg_of.values() and reg not in self.free:
            self.free.append(reg)

    def emit(self, ins: Instruction) -> int:
        self.code.append(ins)
        return len(self.code) - 1

    def patch(self, at: int, target: int) -> None:
        self.code[at] = replace(self.code[at], target=target)

    # ------------------------------------------------------------ header
    def header(self) -> None:
        ast = self.ast
        params = list(ast.params)
        for decl in ast.arrays:
            if decl.size is None:
                # `output A` naming an input array makes A an inout array.
                prior = self.arrays.get(decl.name)
                if prior is None or prior.role != "input" or decl.role != "output":
                    raise self.err(f"array '{decl.name}' needs a size (only 'output X' may name "
                                   "an input array X without one)", decl.pos)
                self.arrays[decl.name] = replace(prior, role="inout")
                continue
            if decl.name in self.arrays or decl.name in params:
                raise self.err(f"name '{decl.name}' is declared twice", decl.pos)
            if decl.name == PARAMS_ARRAY or decl.name in RESERVED:
                raise self.err(f"'{decl.name}' is a reserved name", decl.pos)
            role, size = decl.role, decl.size
            if role in ("input", "inout") and isinstance(size, Name) and size.name not in params:
                params.append(size.name)  # `input A[n]` binds n from the input's length
            self.arrays[decl.name] = ArrayDecl(decl.name, role, size)
        self.params = tuple(params)
        for array in self.arrays.values():
            self._check_bound(array.size, f"size of '{array.name}'")
        for label, e in (("processors", ast.processors), ("time", ast.time),
                         ("memory", ast.memory)):
            if e is not None:
                self._check_bound(e, label)

    def _check_bound(self, e: Expr, what: str) -> None:
        for sub in _walk(e):
            if isinstance(sub, Name) and sub.name not in self.params:
                raise self.err(f"'{sub.name}' in the {what} is not a size parameter "
                               f"(declare it with 'param' or as an input size)", sub.pos)
            if isinstance(sub, Index):
                raise self.err(f"array reads are not allowed in the {what}", sub.pos)
            if isinstance(sub, Unary) and sub.op == "not":
                raise self.err(f"'not' is not allowed in the {what}", sub.pos)
            if isinstance(sub, Binary) and sub.op not in ("add", "sub", "mul", "div", "fdiv",
                                                          "mod", "pow"):
                raise self.err(f"operator '{sub.op}' is not allowed in the {what}", sub.pos)
            if isinstance(sub, Call):
                if sub.fn not in BOUND_FUNCTIONS:
                    raise self.err(f"unknown function '{sub.fn}' in the {what}", sub.pos)
                lo, hi = BOUND_FUNCTIONS[sub.fn]
                if not lo <= len(sub.args) <= hi:
                    raise self.err(f"'{sub.fn}' takes {lo}..{hi} arguments", sub.pos)

    # ------------------------------------------------------------ program
    def program(self) -> CompiledProgram:
        self.header()
        used = [p for p in self.params if any(
            isinstance(x, Name) and x.name == p for s in self.ast.body for x in _walk_stmt(s))]
        self._prelude(used)
        self.seq_vars |= set(used)
        self.block(self.ast.body)
        self.emit(Instruction("HALT", line=_last_line(self.lines)))
        decls = list(self.arrays.values())
        if self.params:
            decls.append(ArrayDecl(PARAMS_ARRAY, "input", Num(len(self.params))))
        return CompiledProgram(
            name=self.ast.name,
            instructions=tuple(self.code),
            n_registers=max(1, len(self.reg_names)),
            register_names=tuple(self.reg_names) or ("r0",),
            model=MemoryModel(self.ast.model),
            word_bits=self.ast.word_bits,
            arrays=tuple(decls),
            params=self.params,
            bounds=Bounds(self.ast.processors, self.ast.time, self.ast.memory),
            source="\n".join(self.lines),
            file=self.file,
        )

    def _prelude(self, used: list[str]) -> None:
        """Processor 0 loads each size parameter the code mentions from the hidden array."""
        if not used:
            return
        idx = self.temp(Pos())  # a fresh register is 0, so the first load needs no CONST
        first = True
        for p in used:
            j = self.params.index(p)
            if not (first and j == 0):
                self.emit(Instruction("CONST", d=idx, imm=j, line=0))
            first = False
            self.emit(Instruction("LOAD", d=self.var_reg(p, Pos()), array=PARAMS_ARRAY, a=idx,
                                  line=0))
        self.release(idx)

    # ------------------------------------------------------------ statements
    def block(self, stmts: tuple[Stmt, ...]) -> None:
        for s in stmts:
            self.stmt(s)

    def stmt(self, s: Stmt) -> None:
        if isinstance(s, Assign):
            self._check_assignable(s.name, s.pos)
            dest = self.var_reg(s.name, s.pos)
            self.expr(s.value, dest)
            self._declare(s.name)
        elif isinstance(s, Store):
            self._check_array(s.array, s.pos)
            ia = self.expr(s.index)
            vb = self.expr(s.value)
            self.emit(Instruction("STORE", array=s.array, a=ia, b=vb, line=s.pos.line))
            self.release(ia)
            self.release(vb)
        elif isinstance(s, If):
            c = self.expr(s.cond)
            self.release(c)
            jz = self.emit(Instruction("JZ", a=c, target=-1, line=s.pos.line))
            self.block(s.then)
            if s.orelse:
                jmp = self.emit(Instruction("JMP", target=-1, line=s.pos.line))
                self.patch(jz, len(self.code))
                self.block(s.orelse)
                self.patch(jmp, len(self.code))
            else:
                self.patch(jz, len(self.code))
        elif isinstance(s, While):
            top = len(self.code)
            c = self.expr(s.cond)
            self.release(c)
            jz = self.emit(Instruction("JZ", a=c, target=-1, line=s.pos.line))
            self.block(s.body)
            self.emit(Instruction("JMP", target=top, line=s.pos.line))
            self.patch(jz, len(self.code))
        elif isinstance(s, For) and s.parallel:
            self._pardo(s)
        elif isinstance(s, For):
            self._seq_for(s)
        elif isinstance(s, Skip):
            pass
        else:  # pragma: no cover - the parser builds only the classes above
            raise self.err(f"unsupported statement {type(s).__name__}", s.pos)

    def _declare(self, name: str) -> None:
        if self.pardo is not None:
            self.pardo.body_vars.add(name)
        else:
            self.seq_vars.add(name)

    def _check_assignable(self, name: str, pos: Pos) -> None:
        if name in self.arrays:
            raise self.err(f"'{name}' is an array; write an element as {name}[i] := ...", pos)
        if name in self.params:
            raise self.err(f"'{name}' is a size parameter and cannot be assigned", pos)
        if name in RESERVED:
            raise self.err(f"'{name}' is reserved and cannot be assigned", pos)
        if name in self.frozen:
            raise self.err(f"loop variable '{name}' cannot be assigned inside its loop", pos)
        if self.pardo is not None and name in self.seq_vars:
            raise self.err(
                f"'{name}' is declared outside this pardo body and cannot be assigned inside it "
                "(each processor has a private copy; write shared results to an array)", pos)

    def _check_array(self, name: str, pos: Pos) -> None:
        if name not in self.arrays:
            raise self.err(f"unknown array '{name}'", pos)

    def _seq_for(self, s: For) -> None:
        self._check_assignable(s.var, s.pos)
        v = self.var_reg(s.var, s.pos)
        self.expr(s.lo, v)
        self._declare(s.var)
        hi = self.temp(s.pos)
        self.expr(s.hi, hi)
        one = self.temp(s.pos)
        self.emit(Instruction("CONST", d=one, imm=1, line=s.pos.line))
        top = len(self.code)
        c = self.temp(s.pos)
        self.emit(Instruction("BIN", fn="le", d=c, a=v, b=hi, line=s.pos.line))
        jz = self.emit(Instruction("JZ", a=c, target=-1, line=s.pos.line))
        self.release(c)
        self.frozen.add(s.var)
        self.block(s.body)
        self.frozen.discard(s.var)
        self.emit(Instruction("BIN", fn="add", d=v, a=v, b=one, line=s.pos.line))
        self.emit(Instruction("JMP", target=top, line=s.pos.line))
        self.patch(jz, len(self.code))
        self.release(one)
        self.release(hi)

    def _pardo(self, s: For) -> None:
        if self.pardo is not None:
            raise self.err("a pardo body may not contain another pardo", s.pos)
        if s.var in self.seq_vars or s.var in self.arrays or s.var in self.params \
                or s.var in RESERVED:
            raise self.err(f"pardo variable '{s.var}' clashes with a name declared outside", s.pos)
        lo_const = _const(s.lo)
        lo = self._held(s.lo)
        hi = self._held(s.hi)
        v = self.var_reg(s.var, s.pos)
        fork = self.emit(Instruction("FORK", a=lo, b=hi, v=v, target=-1, line=s.pos.line))
        self.pardo = _Pardo(s.var, None if lo_const == 0 else lo, {s.var})
        self.frozen.add(s.var)
        self.block(s.body)
        self.frozen.discard(s.var)
        self.pardo = None
        join = self.emit(Instruction("JOIN", line=s.pos.line))
        self.patch(fork, join + 1)
        for r in (lo, hi):
            self.release(r)

    def _held(self, e: Expr) -> int:
        """A register holding ``e`` that stays unchanged through a pardo body."""
        if isinstance(e, Name) and e.name in self.reg_of and (
                e.name in self.seq_vars or e.name in self.params):
            return self.reg_of[e.name]  # outer variables cannot change inside the body
        return self.expr(e)

    # ------------------------------------------------------------ expressions
    def expr(self, e: Expr, dest: int | None = None) -> int:
        """Emit code computing ``e``; return the register holding it (``dest`` if given)."""
        value = _const(e)
        if value is not None:
            if not self.word_lo <= value <= self.word_hi:
                raise self.err(f"constant {value} does not fit in {self.ast.word_bits} bits",
                               e.pos)
            d = self.temp(e.pos) if dest is None else dest
            self.emit(Instruction("CONST", d=d, imm=value, line=e.pos.line))
            return d
        if isinstance(e, Name):
            src = self._name_reg(e)
            if src is None:  # pid inside a pardo whose range does not start at 0
                assert self.pardo is not None and self.pardo.lo_reg is not None
                d = self.temp(e.pos) if dest is None else dest
                self.emit(Instruction("BIN", fn="sub", d=d, a=self.reg_of[self.pardo.var],
                                      b=self.pardo.lo_reg, line=e.pos.line))
                return d
            if dest is None or dest == src:
                return src
            self.emit(Instruction("MOV", d=dest, a=src, line=e.pos.line))
            return dest
        if isinstance(e, Index):
            self._check_array(e.array, e.pos)
            ia = self.expr(e.index)
            self.release(ia)
            d = self.temp(e.pos) if dest is None else dest
            self.emit(Instruction("LOAD", d=d, array=e.array, a=ia, line=e.pos.line))
            return d
        if isinstance(e, Unary):
            return self._unary("neg" if e.op == "neg" else "not", e.operand, dest, e.pos)
        if isinstance(e, Binary):
            if e.op == "div":
                raise self.err("'/' is real division (bounds only); use '//' or 'div' in code",
                               e.pos)
            return self._binary(_CODE_BIN[e.op], e.left, e.right, dest, e.pos)
        if isinstance(e, Call):
            return self._call(e, dest)
        raise self.err(f"unsupported expression {type(e).__name__}", e.pos)  # pragma: no cover

    def _name_reg(self, e: Name) -> int | None:
        name = e.name
        if name == "pid":
            if self.pardo is None:
                return self.var_reg("__zero", e.pos)  # processor 0: a register that stays 0
            if self.pardo.lo_reg is None:
                return self.reg_of[self.pardo.var]
            return None
        if name in self.arrays:
            raise self.err(f"'{name}' is an array; read an element as {name}[i]", e.pos)
        visible = name in self.seq_vars or name in self.params or (
            self.pardo is not None and name in self.pardo.body_vars)
        if not visible:
            raise self.err(f"variable '{name}' is used before it is assigned", e.pos)
        return self.reg_of[name]

    def _unary(self, fn: str, operand: Expr, dest: int | None, pos: Pos) -> int:
        a = self.expr(operand)
        self.release(a)
        d = self.temp(pos) if dest is None else dest
        self.emit(Instruction("UN", fn=fn, d=d, a=a, line=pos.line))
        return d

    def _binary(self, fn: str, left: Expr, right: Expr, dest: int | None, pos: Pos) -> int:
        a = self.expr(left)
        b = self.expr(right)
        self.release(a)
        self.release(b)
        d = self.temp(pos) if dest is None else dest
        self.emit(Instruction("BIN", fn=fn, d=d, a=a, b=b, line=pos.line))
        return d

    def _call(self, e: Call, dest: int | None) -> int:
        if e.fn in _CODE_UN_CALLS:
            if len(e.args) != 1:
                raise self.err(f"'{e.fn}' takes one argument", e.pos)
            return self._unary(e.fn, e.args[0], dest, e.pos)
        if e.fn in ("min", "max"):
            if len(e.args) < 2:
                raise self.err(f"'{e.fn}' takes at least two arguments", e.pos)
            acc: Expr = e.args[0]
            for arg in e.args[1:-1]:
                acc = _FnPair(e.fn, acc, arg, pos=e.pos)
            return self._minmax(e.fn, acc, e.args[-1], dest, e.pos)
        if e.fn in ("ceil", "floor"):
            raise self.err(f"'{e.fn}' is for bound expressions; code is integer "
                           "(use '//' for floor division)", e.pos)
        raise self.err(f"unknown function '{e.fn}'", e.pos)

    def _minmax(self, fn: str, left: Expr, right: Expr, dest: int | None, pos: Pos) -> int:
        if isinstance(left, _FnPair):
            a = self._minmax(left.fn, left.left, left.right, None, pos)
        else:
            a = self.expr(left)
        b = self.expr(right)
        self.release(a)
        self.release(b)
        d = self.temp(pos) if dest is None else dest
        self.emit(Instruction("BIN", fn=fn, d=d, a=a, b=b, line=pos.line))
        return d


@dataclass(frozen=True)
class _FnPair(Expr):
    """Internal: a left-nested min/max pair while unfolding ``min(a, b, c, ...)``."""

    fn: str
    left: Expr
    right: Expr


def _const(e: Expr) -> int | None:
    """The value of a constant integer expression (folded at compile time), else None."""
    if isinstance(e, Num):
        return e.value
    if isinstance(e, Unary) and e.op == "neg":
        v = _const(e.operand)
        return None if v is None else -v
    if isinstance(e, Binary) and e.op in ("add", "sub", "mul", "fdiv", "mod", "pow"):
        a, b = _const(e.left), _const(e.right)
        if a is None or b is None:
            return None
        if e.op == "add":
            return a + b
        if e.op == "sub":
            return a - b
        if e.op == "mul":
            return a * b
        if e.op in ("fdiv", "mod"):
            if b == 0:
                return None  # leave it to the machine, which faults precisely
            return a // b if e.op == "fdiv" else a % b
        if 0 <= b <= 64 and abs(a) <= 2**63:
            return a**b
    return None


def _walk(e: Expr):  # noqa: ANN202 - generator of Expr
    yield e
    for child in _children(e):
        yield from _walk(child)


def _children(e: Expr) -> tuple[Expr, ...]:
    if isinstance(e, Index):
        return (e.index,)
    if isinstance(e, Unary):
        return (e.operand,)
    if isinstance(e, Binary):
        return (e.left, e.right)
    if isinstance(e, Call):
        return e.args
    return ()


def _walk_stmt(s: Stmt):  # noqa: ANN202 - generator of Expr
    if isinstance(s, Assign):
        yield from _walk(s.value)
    elif isinstance(s, Store):
        yield from _walk(s.index)
        yield from _walk(s.value)
    elif isinstance(s, If):
        yield from _walk(s.cond)
        for t in s.then + s.orelse:
            yield from _walk_stmt(t)
    elif isinstance(s, While):
        yield from _walk(s.cond)
        for t in s.body:
            yield from _walk_stmt(t)
    elif isinstance(s, For):
        yield from _walk(s.lo)
        yield from _walk(s.hi)
        for t in s.body:
            yield from _walk_stmt(t)


def _last_line(lines: list[str]) -> int:
    for i in range(len(lines), 0, -1):
        if lines[i - 1].strip():
            return i
    return 0


def compile_ast(ast: ProgramAst, file: str = "<input>", source: str = "") -> CompiledProgram:
    """Compile a parsed program."""
    try:
        return _Compiler(ast, file, source).program()
    except RecursionError:
        raise ValidationError("program nests too deeply", SourceLocation(file)) from None


def compile_source(text: str, file: str = "<input>") -> CompiledProgram:
    """Parse and compile program text (raises ParseError / ValidationError on bad text)."""
    return compile_ast(parse_source(text, file), file, text)


def load_program(path: str) -> CompiledProgram:
    """Read, parse and compile a ``.pram`` file."""
    from simulators.cli_support import read_text_file  # bounded: size, regular file, UTF-8

    text = read_text_file(path, what="program", max_bytes=2_000_000)
    return compile_source(text, str(path))
