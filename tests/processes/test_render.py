"""Rendering a trace for a person: plain text and rich agree, operations are marked."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console

from simulators.processes import (
    APMDMDecision,
    render_trace,
    run_apmdm,
    run_masked_arm,
    trace_to_text,
)
from tests.processes.policies import VOCAB, M, parity_policy, random_mdm


def _one_of_each(canvas, rng):
    # canvas "a [M] [M] b": remask a, fill the first mask, delete the second, insert after b
    n = canvas.shape[0]
    if n != 4:
        z = np.zeros(n, bool)
        return APMDMDecision(np.zeros(n, np.int64), z, z, z)
    return APMDMDecision(np.array([0, 2, 0, 0]), np.array([1, 0, 0, 0], bool),
                         np.array([0, 0, 0, 1], bool), np.array([0, 0, 1, 0], bool))


def test_plain_text_marks_each_operation():
    t = run_apmdm(_one_of_each, VOCAB.encode("a [M] [M] b"), VOCAB, max_steps=1)
    text = trace_to_text(t)
    assert "step 1 (fill 1, remask 1, ins 1, del 1, len 4): a→[M] [M]→c ~[M]~ b +[M]" in text
    assert "final: [M] c b [M]" in text and "step_limit" in text and "legend" in text


def test_rich_rendering_has_the_same_content():
    t = run_apmdm(parity_policy, VOCAB.encode("[BOS] a b b"), VOCAB)
    buf = io.StringIO()
    console = Console(file=buf, width=300, color_system="truecolor", force_terminal=True)
    render_trace(t, console=console)
    raw = buf.getvalue()
    assert "\x1b[" in raw  # coloured
    plain = Console(file=io.StringIO(), width=300)
    render_trace(t, console=plain)
    assert plain.file.getvalue().strip() == trace_to_text(t).strip()


def test_masked_arm_and_limits_on_display():
    start = np.full(30, M)
    t = run_masked_arm(random_mdm, start, VOCAB, rng=np.random.default_rng(0))
    text = trace_to_text(t, max_steps=3, max_positions=5)
    assert "... 27 more steps" in text and "step 1 (fill 1," in text and "[M]→" in text
    assert text.count("…") >= 4
    lean = run_masked_arm(random_mdm, start, VOCAB, record_canvases=False)
    assert "not recorded" in trace_to_text(lean)
