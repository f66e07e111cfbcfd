"""The machine, the Theorem 1 MDM and the Theorem 4 AP-MDM agree on outputs *and faults*.

A fault is compared as its structured record (simulators.errors.FaultRecord): kind, step and the
lowest processor involved must be equal. The cases are the ones a reviewer breaks first:

* values a construction cannot represent (``8192 * 8192`` and ``67108863 + 1`` at the 64-bit
  word): the construction's overflow fault, exactly the machine's at the construction's word
  (Theorem 1 carries 27-bit values, Theorem 4 26-bit ones);
* every write rule of the eight memory models with *different* values written to one cell by
  three processors (highest / lowest pid, sum, min, max, conflict) and with equal values;
* a combined (sum) write that overflows a narrow word.

Each planted write-rule bug in a construction (arbitrary keeping the lowest pid, priority the
highest, the combined-write overflow check dropped) fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from constructions.pram_apmdm import run as apmdm_run
from constructions.pram_apmdm.cli import main as apmdm_main
from constructions.pram_mdm.build import build_pram_mdm
from constructions.pram_mdm.cli import main as mdm_main
from constructions.pram_mdm.simulate import run_built
from simulators.cli_support import run_main
from simulators.errors import FaultKind, ProjectError, RuntimeFault
from simulators.pram import compile_source, run
from simulators.pram.cli import main as pram_main
from tests.pram.test_reference import MULTI_FAULT
from tests.pram.test_reference import _src as reference_source

MODELS = ("EREW", "CREW", "CRCW-common", "CRCW-arbitrary", "CRCW-priority", "CRCW-sum",
          "CRCW-min", "CRCW-max")
#: The word each construction carries (its token values): Theorem 1 -2^26..2^26-1, Theorem 4
#: -2^25..2^25-1.
THEOREM1_WORD, THEOREM4_WORD = 27, 26


def _source(body: str, *, model: str = "EREW", word: int = 64, procs: str = "1",
            name: str = "t") -> str:
    word_line = f"word {word}\n" if word != 64 else ""
    return (f"program {name}\nmodel {model}\n{word_line}input A[n]\noutput B[1]\n"
            f"processors {procs}\ntime 60\nbegin\n{body}\nend\n")


def _outcome(fn: Callable[[], Any]) -> tuple:
    """("ok", output) or ("fault", kind, step, processors, address) -- or the usage error."""
    try:
        return ("ok", fn().output)
    except RuntimeFault as err:
        rec = err.record
        assert rec is not None, f"a fault without a record: {err}"
        assert err.exit_code == 3 and "internal error" not in str(err)
        return ("fault", rec.kind, rec.step, rec.processors, rec.address)
    except ProjectError as err:
        return ("error", type(err).__name__, err.exit_code)


def _three(source: str, inputs: dict[str, list[int]]) -> tuple[tuple, tuple, tuple]:
    prog = compile_source(source, "t.pram")
    return (_outcome(lambda: run(prog, inputs)),
            _outcome(lambda: run_built(build_pram_mdm(prog, inputs))),
            _outcome(lambda: apmdm_run(prog, inputs)))


MUL = "B[0] := A[0] * A[1]"
ADD = "B[0] := A[0] + A[1]"


@pytest.mark.parametrize("body,values,value", [
    (MUL, [8192, 8192], 2**26), (ADD, [67108863, 1], 2**26),
    (MUL, [-8192, 8193], -8192 * 8193), (ADD, [-33554432, -1], -33554433)])
def test_unrepresentable_values_are_the_overflow_fault(body: str, values: list[int],
                                                       value: int) -> None:
    """At the 64-bit word the machine computes the value; each construction faults with
    overflow, exactly as the machine does at the construction's own word."""
    prog = compile_source(_source(body), "t.pram")
    assert run(prog, {"A": values}).output["B"] == [value]
    constructions: tuple[tuple[int, Callable[[Any], Any]], ...] = (
        (THEOREM1_WORD, lambda p: run_built(build_pram_mdm(p, {"A": values}))),
        (THEOREM4_WORD, lambda p: apmdm_run(p, {"A": values})))
    for word, construct in constructions:
        narrow = compile_source(_source(body, word=word), "t.pram")
        machine = _outcome(partial(run, narrow, {"A": values}))
        mine = _outcome(partial(construct, prog))
        assert mine == machine, (word, mine, machine)
        lo, hi = -(2 ** (word - 1)), 2 ** (word - 1) - 1
        if not all(lo <= v <= hi for v in values):  # the input itself: a usage error, exit 2
            assert mine == ("error", "UsageError", 2)
        elif not lo <= value <= hi:
            assert mine[:2] == ("fault", FaultKind.OVERFLOW)
        else:
            assert mine == ("ok", {"B": [value]})


def test_the_reported_cases_fault_in_both_constructions() -> None:
    """8192 * 8192 = 2^26 fits neither construction: overflow, the same step as the machine's."""
    prog = compile_source(_source(MUL), "t.pram")
    machine = _outcome(lambda: run(compile_source(_source(MUL, word=26), "t.pram"),
                                   {"A": [8192, 8192]}))
    assert machine[:2] == ("fault", FaultKind.OVERFLOW)
    assert _outcome(lambda: run_built(build_pram_mdm(prog, {"A": [8192, 8192]}))) == machine
    assert _outcome(lambda: apmdm_run(prog, {"A": [8192, 8192]})) == machine


CONCURRENT_WRITE = "for i in 0 .. n-1 pardo\n  x := A[i]\n  B[0] := x\nend"


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("values", [[5, 9, -3], [7, 7, 7], [-3, 9, 5]])
def test_every_write_rule_agrees(model: str, values: list[int]) -> None:
    """Three processors write B[0] in one step: equal values, and different values whose
    highest / lowest / sum / min / max are all different (so each rule is told apart)."""
    machine, thm1, thm4 = _three(_source(CONCURRENT_WRITE, model=model, word=8, procs="n"),
                                 {"A": values})
    assert thm1 == machine
    assert thm4 == machine
    distinct = len(set(values)) > 1
    if model in ("EREW", "CREW") or (model == "CRCW-common" and distinct):
        assert machine[:2] == ("fault", FaultKind.WRITE_CONFLICT)
    else:
        assert machine[0] == "ok"


@pytest.mark.parametrize("values,fault", [([100, 100], True), ([100, 27], False),
                                          ([-100, -28], False), ([-100, -29], True)])
def test_narrow_word_sum_overflow(values: list[int], fault: bool) -> None:
    """CRCW-sum at an 8-bit word: 127 fits, 128 and -129 overflow (a combined-write fault)."""
    machine, thm1, thm4 = _three(_source(CONCURRENT_WRITE, model="CRCW-sum", word=8, procs="n"),
                                 {"A": values})
    assert thm1 == machine and thm4 == machine
    assert (machine[0] == "fault") == fault
    if fault:
        assert machine[1] is FaultKind.OVERFLOW and machine[3] == (0, 1)
        assert machine[4] == "B[0]"


@pytest.mark.parametrize("body,model,word,a,kind", MULTI_FAULT)
def test_several_faults_in_one_step_report_the_same_record(body: str, model: str, word: int,
                                                          a: list[int], kind: FaultKind) -> None:
    """The lowest faulting processor decides (docs/pram-isa.md "Faults"), in all three."""
    machine, thm1, thm4 = _three(reference_source(body, model, word), {"A": a})
    assert machine[:2] == ("fault", kind)
    assert thm1 == machine
    assert thm4 == machine


def test_one_cli_run_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command lines: exit 3, a message that says overflow and where (step, line)."""
    path = tmp_path / "mul.pram"
    path.write_text(_source(MUL, word=26))
    for main in (pram_main, mdm_main, apmdm_main):
        assert run_main(main, ["run", str(path), "--input", "A=8192,8192"]) == 3
        err = capsys.readouterr().err
        assert "overflow" in err and "step 6" in err and "mul.pram:9" in err, err
        assert "Traceback" not in err and "internal error" not in err
