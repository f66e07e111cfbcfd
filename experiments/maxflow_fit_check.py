"""Diagnostic: can the graph-editing AP-MDM pipeline fit a handful of training graphs and
free-run them? (docs/learned_tasks.md, "Why the learned AP-MDM fails": a bug or a limit?)

Trains the AP-MDM of ``experiments.maxflow`` (same data path, common id space, model and
decoding) on ``--graphs`` graphs of each of 4 and 5 nodes, then decodes the *same* graphs:
teacher-forced (``experiments.teacher_forced``: every step of their own traces) and free-running
through ``g``. Every wrong teacher-forced step is listed with the control bit that differs,
where, and the network's logits there. ``--bit-weight`` scales the control-bit loss.

``python -m experiments.maxflow_fit_check [--graphs 2] [--steps 800] [--bit-weight 1] [--json]``
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import torch

from experiments.maxflow import (
    MaxFlowConstruction,
    Scale,
    _decode,
    _encoder,
    arm_vocab,
    common_vocab,
    graphs,
    min_cut_value,
    model_config,
    to_common,
)
from experiments.teacher_forced import step_accuracy
from simulators.cli_support import ArgumentParser, run_main
from simulators.learned.config import TrainConfig
from simulators.learned.data import Rows, apmdm_rows, pack
from simulators.learned.policies import LearnedAPMDMPolicy
from simulators.learned.train import build_model, train
from simulators.processes import apmdm_transition

BITS = ("remask", "insert", "delete")


def fit_check(per_n: int, steps: int, bit_weight: float, seed: int = 0) -> dict:
    torch.set_num_threads(1)
    scale = Scale((4, 5), 2, per_n, 0, steps, 16, 48, 3)
    rng, seen = np.random.default_rng([seed, 5]), set()  # type: ignore[var-annotated]
    train_g = [(n, e) for n in scale.nodes for e in graphs(n, 2, per_n, rng, seen)]
    top = scale.common_top
    cv = common_vocab(top)
    cons = [MaxFlowConstruction(n, e) for n, e in train_g]
    runs = [c.run(record_canvases=True).trace for c in cons]
    traces = [tr for tr in runs if tr is not None]
    assert len(traces) == len(runs)
    rows = [Rows(to_common(r.tokens, c.layout.top, top), to_common(r.y, c.layout.top, top),
                 r.y_mask, r.bits, r.bits_mask)
            for c, tr in zip(cons, traces, strict=True)
            for r in apmdm_rows([tr], mask_id=c.vocab.mask_id)]
    data = pack(rows, pad_id=len(cv), seed=seed, kind="maxflow-apmdm-process",
                meta={"graphs": len(cons)})
    model = build_model(model_config(len(cv), scale, False, scale.max_canvas + 8), seed, "cpu")
    res = train(model, data, TrainConfig(steps=steps, batch_size=16, lr=2e-3, seed=seed,
                                         device="cpu", progress=False, bit_weight=bit_weight))
    policy = LearnedAPMDMPolicy(model, cv, "cpu")
    encoders = [_encoder(c.layout.top, top) for c in cons]
    wrong = []
    with torch.inference_mode():
        forced = step_accuracy(lambda xs: policy.decide_batch(xs), traces, encoders, cv.mask_id)
        limits = {"max_length": 0, "max_canvas": scale.max_canvas,
                  "max_steps": 2 * max(t.num_steps for t in traces) + 8}
        free, _ = _decode("ap-mdm", model, train_g, cons, [min_cut_value(n, e) for n, e in train_g],
                          cv, arm_vocab(cv, scale.max_canvas), limits, "cpu",
                          np.random.default_rng(seed))
        for g, (tr, enc) in enumerate(zip(traces, encoders, strict=True)):
            xs = [enc(np.asarray(x)) for x in tr.canvases[:-1]]
            nexts = [enc(np.asarray(x)) for x in tr.canvases[1:]]
            for t, ((_, _, ctrl), dec) in enumerate(zip(policy.forward_batch(xs),
                                                        policy.decide_batch(xs), strict=True)):
                got = apmdm_transition(xs[t], dec.y, dec.remask, dec.insert, dec.delete,
                                       mask=cv.mask_id)
                if len(got) == len(nexts[t]) and (got == nexts[t]).all():
                    continue
                truth = tr.decisions[t]
                for j, name in enumerate(BITS):
                    want = np.zeros(len(xs[t]), bool) if getattr(truth, name) is None else \
                        np.asarray(getattr(truth, name), bool)
                    diff = np.flatnonzero(want != np.asarray(getattr(dec, name), bool))
                    if diff.size:
                        wrong.append({"graph": g, "step": t, "of": tr.num_steps, "bit": name,
                                      "positions": diff.tolist(),
                                      "truth": want[diff].astype(int).tolist(),
                                      "logits": [round(float(v), 2) for v in ctrl[diff, j]]})
    return {"graphs": len(cons), "rows": len(data), "optimizer_steps": steps,
            "bit_weight": bit_weight, "final_loss": res.final_loss,
            "teacher_forced": forced, "free_running_solved": sum(ok for ok, _, _ in free),
            "free_running_steps": [s for _, s, _ in free],
            "constructed_steps": [t.num_steps for t in traces], "wrong_steps": wrong,
            "data_sha256": data.content_hash, "seed": seed}


def main(argv: Sequence[str] | None = None) -> int:
    ap = ArgumentParser(prog="python -m experiments.maxflow_fit_check",
                        description=__doc__.split("\n")[0])
    ap.add_argument("--graphs", type=int, default=2, help="training graphs per node count")
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--bit-weight", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    out = fit_check(args.graphs, args.steps, args.bit_weight, args.seed)
    if args.json:
        print(json.dumps(out))
    else:
        f = out["teacher_forced"]
        print(f"{out['graphs']} graphs, loss {out['final_loss']:.4f}: teacher-forced "
              f"{f['right']}/{f['steps']} steps right, free-running "
              f"{out['free_running_solved']}/{out['graphs']} solved")
        for w in out["wrong_steps"]:
            print(f"  graph {w['graph']} step {w['step']}/{w['of']} {w['bit']}: positions "
                  f"{w['positions']} truth {w['truth']} logits {w['logits']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
