"""Every exercise of docs/course/ and its checker.

A checker reads the student's file and asks the project's machines for the truth: the reference
PRAM (``simulators.pram``), the engines and ``g`` (``simulators.processes``), the encoder
interpreter, the grammars, the constructions, the committed result files. "Predict a number"
exercises are checked against a fresh run, never against a number written here.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simulators.cli_support import read_text_file
from simulators.errors import ProjectError, UsageError

ROOT = Path(__file__).resolve().parents[2]
PRAM = ROOT / "examples" / "pram"
MAX_ANSWER_BYTES = 1 << 20


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


@dataclass(frozen=True)
class Exercise:
    lesson: str
    name: str
    title: str
    checker: Callable[[str, str], Verdict]  # (answer text, file name) -> verdict

    def check(self, path: str) -> Verdict:
        text = read_text_file(path, what="answer file", max_bytes=MAX_ANSWER_BYTES)
        return self.checker(text, path)


def _number(text: str, path: str) -> float:
    """The answer of a "predict a number" exercise: the first line that is not a comment."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise UsageError(f"{path}: empty answer (write one number)")
    try:
        return float(lines[0].replace(",", ""))
    except ValueError:
        raise UsageError(f"{path}: expected a number, got {lines[0]!r}") from None


def predict(truth: Callable[[], float], what: str) -> Callable[[str, str], Verdict]:
    """A checker comparing the student's number with ``truth()`` (a fresh run, once per
    process: the constructions are deterministic)."""
    once = functools.cache(truth)

    def check(text: str, path: str) -> Verdict:
        got, want = _number(text, path), once()
        if math.isclose(got, want, rel_tol=0, abs_tol=1e-9):
            return Verdict(True, f"{what} is {want:g}")
        hint = "too high" if got > want else "too low"
        return Verdict(False, f"{what}: {got:g} is {hint}; rerun the lesson's command and count")

    return check


# ----------------------------------------------------------------------------- lesson 1: PRAM

PREFIX_MAX_SIZES = (1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64)


def check_prefix_max(text: str, path: str) -> Verdict:
    """Output = running maximum on random inputs; CREW (or EREW); declared time O(log n)."""
    from simulators.pram import bind, compile_source, run

    prog = compile_source(text, file=path)
    if prog.model.value not in ("EREW", "CREW"):
        return Verdict(False, f"the program declares model {prog.model.value}; the exercise "
                              "asks for CREW (concurrent reads, exclusive writes)")
    inputs = [a for a in prog.arrays
              if a.role in ("input", "inout") and not a.name.startswith("__")]
    if len(inputs) != 1 or len(prog.output_arrays) != 1:
        return Verdict(False, "declare exactly one input array and one output array")
    src, dst = inputs[0].name, prog.output_arrays[0]
    rng = np.random.default_rng(0)
    for n in PREFIX_MAX_SIZES:
        values = rng.integers(-50, 51, size=n).tolist()
        try:
            res = run(prog, {src: values})
        except ProjectError as err:
            return Verdict(False, f"on n = {n} the machine stopped: {err}")
        want = np.maximum.accumulate(values).tolist()
        if res.output[dst][:n] != want:
            return Verdict(False, f"wrong output on {values}: {res.output[dst]} (want {want})")
    # O(log n): the declared bound may grow by at most a constant when n is squared.
    t = {n: bind(prog, {src: [0] * n}).time_bound for n in (2**6, 2**12, 2**8, 2**16)}
    if t[2**12] > 2.5 * t[2**6] or t[2**16] > 2.5 * t[2**8]:
        return Verdict(False, f"declared time T(n) grows faster than log n: T(64) = {t[64]}, "
                              f"T(4096) = {t[4096]}, T(65536) = {t[65536]}")
    return Verdict(True, f"correct on {len(PREFIX_MAX_SIZES)} random inputs, model "
                         f"{prog.model.value}, declared T(4096) = {t[4096]}")


def prefix_sum_steps() -> float:
    from simulators.pram import load_program, run

    return run(load_program(str(PRAM / "prefix_sum.pram")), {"A": list(range(1, 9))}).steps


# ----------------------------------------------------------------------------- lesson 2: g

G_VOCAB = ("a", "b", "c", "[M]")
G_EXAMPLE = {"x": "a [M] [M] b [M]", "y": "c a b c b", "remask": "1 0 0 0 0",
             "insert": "0 1 0 1 0", "delete": "0 0 1 0 1"}


def check_g(text: str, path: str) -> Verdict:
    from simulators.processes import Vocab, apmdm_transition

    vocab = Vocab(list(G_VOCAB), mask="[M]")
    bits = {k: np.array(G_EXAMPLE[k].split(), dtype=np.int64).astype(bool)
            for k in ("remask", "insert", "delete")}
    z = apmdm_transition(vocab.encode(G_EXAMPLE["x"]), vocab.encode(G_EXAMPLE["y"]),
                         bits["remask"], bits["insert"], bits["delete"], mask=vocab.mask_id)
    want = vocab.render(z)
    got = " ".join(text.split())
    if got == want:
        return Verdict(True, f"g gives {want}")
    return Verdict(False, f"{got!r} is not g's result; apply the three rules position by "
                          "position (delete first, then remask/unmask/keep, then insert)")


def parity_steps() -> float:
    from constructions.parity_apmdm.construction import Parity

    return Parity.from_bits([1, 0, 1, 1, 0, 0, 1]).run().decoding_steps


# ----------------------------------------------------------------------------- lesson 3: encoder


def _load_module(path: str) -> Any:
    spec = importlib.util.spec_from_file_location("course_answer", path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_count_left(text: str, path: str) -> Verdict:
    """``build(max_length)`` returns a Program whose output ``count`` is, at every position,
    the number of 1-tokens strictly to its left (tokens 0..2), with at most one attention
    layer."""
    from simulators.encoder import Program

    module = _load_module(path)
    if not callable(getattr(module, "build", None)):
        return Verdict(False, "define build(max_length) returning a Program")
    prog = module.build(16)
    if not isinstance(prog, Program) or "count" not in prog.outputs:
        return Verdict(False, "build(16) must return a Program with an output named 'count'")
    rng = np.random.default_rng(0)
    for length in (1, 2, 5, 16):
        for _ in range(20):
            canvas = rng.integers(0, 3, size=length)
            want = np.concatenate([[0], np.cumsum(canvas == 1)[:-1]])
            got = prog.evaluate(canvas)["count"]
            if not np.array_equal(got, want):
                return Verdict(False, f"on {canvas.tolist()} count is {got.tolist()} "
                                      f"(want {want.tolist()})")
    cost = prog.cost()
    if cost.attention_layers > 1:
        return Verdict(False, f"{cost.attention_layers} attention layers: one head suffices")
    return Verdict(True, f"correct on 80 random canvases, depth {cost.depth}")


def dyck_depth() -> float:
    from constructions.dyck_apmdm.process import DyckAPMDM

    return DyckAPMDM(2).program.cost().depth


# ----------------------------------------------------------------------------- lessons 4-6


def _theorem1(program: str, values: list[int], **options: Any) -> Any:
    from constructions.pram_mdm.construction import Theorem1
    from simulators.pram import load_program

    return Theorem1.build(load_program(str(PRAM / program)), {"A": values}, {}, **options).run()


def _theorem4(program: str, values: list[int]) -> Any:
    from constructions.pram_apmdm.construction import Theorem4
    from simulators.pram import load_program

    return Theorem4.build(load_program(str(PRAM / program)), {"A": values}, {}).run()


# ----------------------------------------------------------------------------- lesson 7: Dyck


def check_dyck_word(text: str, path: str) -> Verdict:
    """A two-sided Dyck-2 word of length 8 that is not a one-sided (bracket) Dyck-2 word."""
    from simulators.grammars import DyckLanguage

    two = DyckLanguage("two-sided-dyck", k=2)
    one = DyckLanguage("dyck", k=2)
    word = two.parse(text.strip(), file=path)
    if word.size != 8:
        return Verdict(False, f"the word has length {word.size}, not 8")
    if not two.is_member(word):
        return Verdict(False, f"{two.render(word)} reduces to {two.render(two.reduce(word))}, "
                              "not to the empty word")
    if one.is_member(word):
        return Verdict(False, "that word is also a balanced bracket word: find one that uses "
                              "a closer before its opener")
    return Verdict(True, f"{two.render(word)} cancels to the empty word two-sidedly only")


def dyck_count() -> float:
    from simulators.grammars import DyckLanguage

    return DyckLanguage("two-sided-dyck", k=2).count(6)


# ----------------------------------------------------------------------------- lesson 8: learned


def parity_ones_steps() -> float:
    from constructions.parity_apmdm.construction import Parity

    return Parity.from_bits([1] * 12).run().decoding_steps


def length2_transitions() -> float:
    """Distinct canvas-changing transitions in the runs on the four length-2 inputs (the
    paper's whole parity training set, halting steps left out)."""
    from constructions.parity_apmdm.construction import Parity

    seen = set()
    for bits in ([0, 0], [0, 1], [1, 0], [1, 1]):
        trace = Parity.from_bits(bits).run(record_canvases=True).trace
        assert trace is not None  # run() keeps the trace it recorded
        for a, b in zip(trace.canvases, trace.canvases[1:], strict=False):
            if not np.array_equal(a, b):
                seen.add((tuple(a.tolist()), tuple(b.tolist())))
    return len(seen)


# ----------------------------------------------------------------------------- lesson 9: tasks

EDIT_SEQUENCE, EDIT_LOG = "abcab", "ins 0 d, del 2, ins 5 a, del 0"


def _edit_run() -> Any:
    from constructions.edit_apmdm.construction import from_text

    return from_text(EDIT_SEQUENCE, EDIT_LOG, 4).run()


def check_edit(text: str, path: str) -> Verdict:
    want = str(_edit_run().output)
    got = text.strip()
    if got == want:
        return Verdict(True, f"the edited sequence is {want}")
    return Verdict(False, f"{got!r} is not the result; positions refer to the sequence as it is "
                          "when each edit is applied")


EXERCISES: tuple[Exercise, ...] = (
    Exercise("1", "prefix-max", "a .pram prefix maximum in O(log n) time on CREW",
             check_prefix_max),
    Exercise("1", "steps", "PRAM steps of prefix_sum on n = 8",
             predict(prefix_sum_steps, "prefix_sum's PRAM steps on n = 8")),
    Exercise("2", "g", "apply Algorithm 1's g by hand", check_g),
    Exercise("2", "parity-steps", "decoding steps of the parity AP-MDM on 1011001",
             predict(parity_steps, "the parity AP-MDM's steps on 1011001")),
    Exercise("3", "count-left", "an encoder program: 1s strictly to the left",
             check_count_left),
    Exercise("3", "depth", "depth of the Theorem 5 step network (k = 2)",
             predict(dyck_depth, "the depth of the Theorem 5 step network")),
    Exercise("4", "steps", "Theorem 1 decoding steps, prefix_sum on A=5,3,8",
             predict(lambda: _theorem1("prefix_sum.pram", [5, 3, 8]).decoding_steps,
                     "the Theorem 1 MDM's decoding steps")),
    Exercise("4", "context", "Theorem 1 context length, prefix_sum on A=5,3,8",
             predict(lambda: _theorem1("prefix_sum.pram", [5, 3, 8]).context_length,
                     "the Theorem 1 MDM's context length")),
    Exercise("5", "one-token-steps", "Theorem 1 one token per step, prefix_sum on A=3",
             predict(lambda: _theorem1("prefix_sum.pram", [3],
                                       one_token_per_step=True).decoding_steps,
                     "the one-token-per-step MDM's decoding steps")),
    Exercise("5", "sum-steps", "Theorem 1 decoding steps, sum on A=1..8",
             predict(lambda: _theorem1("sum.pram", list(range(1, 9))).decoding_steps,
                     "the Theorem 1 MDM's decoding steps for sum")),
    Exercise("6", "peak", "Theorem 4 peak canvas, prefix_sum on A=3,1,4,1",
             predict(lambda: _theorem4("prefix_sum.pram", [3, 1, 4, 1]).context_length,
                     "the Theorem 4 AP-MDM's peak canvas")),
    Exercise("6", "steps", "Theorem 4 decoding steps, prefix_sum on A=3,1,4,1",
             predict(lambda: _theorem4("prefix_sum.pram", [3, 1, 4, 1]).decoding_steps,
                     "the Theorem 4 AP-MDM's decoding steps")),
    Exercise("7", "word", "a two-sided but not one-sided Dyck-2 word of length 8",
             check_dyck_word),
    Exercise("7", "count", "two-sided Dyck-2 words of length 6",
             predict(dyck_count, "the number of two-sided Dyck-2 words of length 6")),
    Exercise("8", "parity-steps", "the parity construction's steps on twelve 1s",
             predict(parity_ones_steps, "the parity AP-MDM's steps on 111111111111")),
    Exercise("8", "length2-data", "distinct transitions in the paper's parity training data",
             predict(length2_transitions, "the distinct canvas-changing transitions of the "
                                          "four length-2 runs")),
    Exercise("9", "edit", "the sequence after an edit log", check_edit),
    Exercise("9", "edit-steps", "decoding steps of the edit-tracking AP-MDM on that log",
             predict(lambda: _edit_run().decoding_steps, "the edit AP-MDM's decoding steps")),
)


def find(lesson: str, name: str) -> Exercise:
    for ex in EXERCISES:
        if ex.lesson == lesson.lstrip("0") and ex.name == name:
            return ex
    known = ", ".join(f"{e.lesson} {e.name}" for e in EXERCISES)
    raise UsageError(f"no exercise {lesson!r} {name!r}; known: {known}")
