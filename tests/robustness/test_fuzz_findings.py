"""Inputs found by the coverage-guided / mutation fuzzer of the front ends
(tools/fuzz_frontends.py, ``make fuzz``), kept as regression tests.

* ``findings/pram-slow-*.txt``: programs whose comments hold several ``#``; the check for a
  nameless ``program`` line backtracked exponentially over them (minutes per input).
* a trace JSON whose step records, canvases and decisions disagree in number: the reader accepted
  it and ``processes show`` crashed with an IndexError while rendering.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from simulators.errors import ParseError, UsageError
from simulators.pram import compile_source
from simulators.processes import IntVocab, MDMDecision, run_mdm, trace_to_text
from simulators.processes.trace_json import trace_from_json

FINDINGS = sorted((Path(__file__).parent / "findings").glob("*.txt"))
ROOT = Path(__file__).resolve().parents[2]


def _pram_target():  # noqa: ANN202
    sys.path.insert(0, str(ROOT))
    from tools.fuzz_frontends import _pram_target as target

    return target()


@pytest.mark.parametrize("path", FINDINGS, ids=[p.name for p in FINDINGS])
def test_pram_finding_is_answered_quickly(path: Path) -> None:
    target = _pram_target()
    start = time.process_time()
    target(path.read_text(encoding="utf-8"))  # only project errors, no exception escapes
    assert time.process_time() - start < 5.0


def test_many_hashes_in_a_comment_before_the_program_line() -> None:
    body = "\nmodel CREW\nprocessors 1\ntime 1\nbegin\nend\n"
    comment = "# " + "#" * 26 + " x\n"  # 2^26 backtracking steps with the old pattern
    start = time.process_time()
    compile_source(comment + "program p" + body)
    with pytest.raises(ParseError) as info:
        compile_source(comment + "program" + body)
    assert time.process_time() - start < 1.0
    assert info.value.location is not None and info.value.location.line == 2


def _trace_obj() -> dict:
    vocab = IntVocab(0, 9, specials=("[M]",))

    def policy(canvas: np.ndarray, rng: object = None) -> MDMDecision:
        masked = np.flatnonzero(canvas == vocab.mask_id)
        tokens = np.full(canvas.size, vocab.mask_id, dtype=np.int64)
        fill = np.zeros(canvas.size, dtype=bool)
        tokens[masked[0]], fill[masked[0]] = 1, True
        return MDMDecision(tokens=tokens, fill=fill)

    trace = run_mdm(policy, np.full(3, vocab.mask_id, dtype=np.int64), vocab)
    return json.loads(trace.to_json())


@pytest.mark.parametrize("field", ["steps", "canvases", "decisions"])
def test_trace_with_inconsistent_lengths_is_refused(field: str) -> None:
    obj = _trace_obj()
    trace_to_text(trace_from_json(json.dumps(obj)))  # the intact trace renders
    obj[field] = obj[field][:-1]
    with pytest.raises(UsageError, match="malformed trace JSON"):
        trace_from_json(json.dumps(obj))


def test_trace_with_token_outside_the_vocabulary_is_refused() -> None:
    obj = _trace_obj()
    obj["canvases"][1][0] = 99
    with pytest.raises(UsageError, match="outside the vocabulary"):
        trace_from_json(json.dumps(obj))
