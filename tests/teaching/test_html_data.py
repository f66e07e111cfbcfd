"""The trace page's data, without a browser: cells, counts, caps, explanations, no URLs."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.encoder import Program
from simulators.encoder.sequences import aggregate, indices, select, tokens
from simulators.errors import UsageError
from simulators.processes import IntVocab, MDMDecision, run_apmdm, run_arm, run_mdm
from simulators.processes.html import page_data, program_explainer, trace_html
from simulators.processes.html.data import kept_frames
from simulators.processes.html.ops import OPS, step_cells
from simulators.processes.render import step_cells as terminal_cells
from tests.processes.policies import VOCAB, random_apmdm, random_mdm

_TERMINAL = {"keep": "k", "fill": "f", "remask": "r", "delete": "d", "insert": "i"}


def _check_frames(trace, data):
    assert [f["frame"] for f in data["frames"]] == list(range(trace.num_steps + 1))
    canvas: list[int] = []
    for fr in data["frames"]:
        f = fr["frame"]
        if "delta" in fr:  # the positions changed, applied to the canvas before
            d = fr["delta"]
            for p, t in zip(d["pos"], d["tokens"], strict=True):
                canvas[p] = t
            ops = ["k"] * len(canvas)
            for p, op in zip(d["pos"], d["ops"], strict=True):
                ops[p] = op
            fr = {"tokens": list(canvas), "ops": "".join(ops), "counts": fr["counts"]}
        kept = [t for t, op in zip(fr["tokens"], fr["ops"], strict=True) if op != "d"]
        assert kept == trace.canvases[f].tolist()  # the frame shows exactly this canvas
        canvas = kept
        if f:
            rec = trace.steps[f - 1]
            assert fr["counts"] == {"filled": rec.filled, "remasked": rec.remasked,
                                    "inserted": rec.inserted, "deleted": rec.deleted,
                                    "length": rec.length}
            # the same operations the terminal renderer marks, cell for cell
            assert fr["ops"] == "".join(_TERMINAL[c.op] for c in terminal_cells(trace, f - 1))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), start=st.sampled_from(["a [M] [M] b", "[M] [M] [M]",
                                                                "a b", "[BOS] [M] a"]))
def test_apmdm_frames_are_the_canvases_with_the_step_counts(seed, start):
    trace = run_apmdm(random_apmdm(), VOCAB.encode(start), VOCAB,
                      rng=np.random.default_rng(seed), max_steps=12, max_length=64)
    _check_frames(trace, page_data(trace, title="t"))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_mdm_and_arm_frames(seed):
    rng = np.random.default_rng(seed)
    trace = run_mdm(random_mdm, VOCAB.encode("a [M] [M] b [M]"), VOCAB, rng=rng)
    data = page_data(trace, title="t")
    assert all("delta" in fr for fr in data["frames"][1:])  # MDM steps travel as deltas
    _check_frames(trace, data)
    arm = run_arm(lambda c, r: int(r.integers(0, 3)), VOCAB.encode("[BOS]"), VOCAB,
                  rng=rng, max_length=6)
    _check_frames(arm, page_data(arm, title="t"))


def test_op_codes_are_documented_letters():
    trace = run_apmdm(random_apmdm(), VOCAB.encode("a [M] b"), VOCAB,
                      rng=np.random.default_rng(1), max_steps=3)
    for t in range(trace.num_steps):
        assert set(step_cells(trace, t).op_string()) <= set(OPS)


def test_kept_frames_cap_keeps_first_and_last():
    assert kept_frames([10] * 5, 1000) == [0, 1, 2, 3, 4]
    kept = kept_frames([100] * 50, 1000)
    assert kept[0] == 0 and kept[-1] == 49 and len(kept) <= 10


def test_page_is_self_contained_and_says_what_it_left_out():
    trace = run_apmdm(random_apmdm(), VOCAB.encode("a [M] [M] b"), VOCAB,
                      rng=np.random.default_rng(3), max_steps=30, max_length=64)
    page = trace_html(trace, title="</script><b>x</b>", max_cells=40)
    assert not re.search(r"(https?:)?//[a-z]", page.replace("http://www.w3.org", ""))
    assert "<script src" not in page and "<link" not in page
    assert "</script><b>" not in page  # the title is escaped, the data cannot close a script
    data = json.loads(re.search(r'id="trace-data">(.*?)</script>', page, re.S).group(1))
    assert data["omitted_frames"] > 0 and "frames are not embedded" in page


def _toy_program():
    tok = tokens(0, 10)  # 0..9 and the mask (10)
    idx = indices(16)
    left = aggregate(select(idx, idx, "<"), tok, "max", default=0).named("left_max")
    first = aggregate(select(tok, tok, "=="), idx, "leftmost", default=-1).named("first_same")
    return Program({"left_max": left, "first_same": first}, 16, name="toy")


def test_explanation_matches_the_interpreter():
    prog = _toy_program()
    vocab = IntVocab(0, 9, specials=("[M]",))
    canvas = np.array([3, 1, 4, 1, 5, 9, 2, 6, vocab.mask_id], dtype=np.int64)
    trace = run_mdm(lambda c, r: MDMDecision(tokens=np.where(c == vocab.mask_id, 0, c),
                                             fill=c == vocab.mask_id), canvas, vocab)
    explain = program_explainer(prog, trace)
    values = prog.evaluate(trace.canvases[0])
    for q in range(canvas.shape[0]):
        ex = explain(0, q)
        assert ex["outputs"] == {"left_max": values["left_max"][q],
                                 "first_same": values["first_same"][q]}
        heads = {h["head"]: h for h in ex["heads"]}
        # the deciding key really holds the head's value
        if q:
            k = heads["left_max"]["keys"][0]
            assert k < q and canvas[k] == canvas[:q].max()  # (q=8, the mask, included)
        assert heads["first_same"]["keys"] == [int(np.flatnonzero(canvas == canvas[q])[0])]
        assert heads["left_max"]["selected"] == q


def test_unrecorded_trace_is_refused():
    trace = run_apmdm(random_apmdm(), VOCAB.encode("a b"), VOCAB, max_steps=2,
                      record_canvases=False)
    with pytest.raises(ValueError, match="record_canvases"):
        page_data(trace, title="t")


def test_stochastic_explanation_replays_the_runs_own_noise():
    """Theorem 5's network reads noise; replayed from the rng's starting state, the
    explanation's outputs are exactly the decision the run applied, at every position of every
    step."""
    import copy

    from constructions.dyck_apmdm.process import DyckAPMDM
    from simulators.processes.html.explain import replayed_rng

    model = DyckAPMDM(2, True, 12)
    rng = np.random.default_rng(2)
    start = copy.deepcopy(rng.bit_generator.state)
    trace = model.run(rng)
    explain = program_explainer(model.program, trace,
                                rng_for_step=replayed_rng(model.policy(), trace, start))
    assert trace.num_steps > 4
    for step, d in enumerate(trace.decisions):
        for q in range(trace.canvases[step].shape[0]):
            out = explain(step, q)["outputs"]
            assert (out["y"], out["remask"], out["insert"], out["delete"]) == (
                d.y[q], d.remask[q], d.insert[q], d.delete[q])


def test_processes_cli_writes_a_page_from_a_trace_file(tmp_path):
    from simulators.processes.__main__ import main

    trace = run_apmdm(random_apmdm(), VOCAB.encode("a [M] [M] b"), VOCAB,
                      rng=np.random.default_rng(5), max_steps=6)
    src, page = tmp_path / "t.json", tmp_path / "t.html"
    src.write_text(trace.to_json())
    assert main(["html", str(src), "-o", str(page), "--title", "demo"]) == 0
    text = page.read_text(encoding="utf-8")
    assert "<title>demo</title>" in text
    data = json.loads(re.search(r'id="trace-data">(.*?)</script>', text, re.S).group(1))
    _check_frames(trace, data)
    bare = run_apmdm(random_apmdm(), VOCAB.encode("a b"), VOCAB, max_steps=2,
                     record_canvases=False)
    src.write_text(bare.to_json())
    with pytest.raises(UsageError, match="no recorded canvases"):
        main(["html", str(src), "-o", str(page)])


def test_dyck_html_does_not_change_the_samples(tmp_path, capsys):
    """--html replays the noise from a saved rng state: the runs' words stay the same."""
    from constructions.dyck_apmdm.cli import main

    argv = ["sample", "--k", "2", "--max-length", "10", "--seed", "4", "--num", "3", "--json"]
    assert main(argv) == 0
    plain = capsys.readouterr().out
    assert main([*argv, "--html", str(tmp_path / "d.html")]) == 0
    assert capsys.readouterr().out == plain and (tmp_path / "d.html").stat().st_size
