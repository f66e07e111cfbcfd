"""Experiment: Sudoku from few puzzles -- a learned AP-MDM trained on the remask-backtracking
construction's trajectories beside a one-shot MDM and an ARM (docs/sudoku.md, "Learned").

* ``construction`` -- the Sudoku AP-MDM (:mod:`constructions.sudoku_apmdm`) on the test puzzles:
  the reference (always a valid solution) and its decoding steps;
* ``ap-mdm`` -- an encoder trained on the construction's trajectories of the training puzzles
  (process supervision, with the halting fixed point), decoded greedily through the same ``g``;
* ``mdm`` -- a one-shot MDM (the grid as ``n^2`` tokens, givens fixed, every other cell masked)
  trained on the training puzzles' solutions with random masking (outcome supervision), decoded
  one cell per step in order of confidence margin (top-1 minus top-2 probability);
* ``arm`` -- a causal transformer reading the puzzle and writing the solution, cell by cell.

All three learned models share width, depth, heads, optimizer steps and batch; they see the same
training puzzles (``train_puzzles``, unique-solution, as few as the paper's 100). Test puzzles are
held out (fresh unique-solution puzzles); ``accuracy`` = a valid grid that keeps every given,
with a Wilson 95% interval; ``mean_steps`` = decoding steps (construction, AP-MDM, MDM) or
generated tokens (ARM).

``python -m experiments.sudoku [--scale cpu-reduced|full|smoke] [--device cpu|cuda|auto]``
(cpu-reduced: 4x4; full: 6x6 and 9x9 -- by estimate, not yet run).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from constructions.sudoku_apmdm import SudokuAPMDM, SudokuLayout
from experiments.common import (
    Clock,
    Emit,
    arrays_sha256,
    check_scale,
    emit_timed,
    experiment_main,
    markdown_table,
    maybe_save,
    new_payload,
    no_emit,
    write_results,
)
from simulators.cli_support import run_main
from simulators.learned.batched import run_apmdm_batched, run_arm_batched, run_mdm_batched
from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.data import Rows, apmdm_rows, arm_outcome_rows, pack
from simulators.learned.evaluate import wilson_interval
from simulators.learned.policies import LearnedAPMDMPolicy, LearnedARMPolicy, LearnedMDMPolicy
from simulators.learned.train import build_model, resolve_device, train
from simulators.processes import HaltReason, MDMDecision, TopK, Vocab
from simulators.sudoku import unique_puzzle


@dataclass(frozen=True)
class Scale:
    sizes: tuple[int, ...]
    train_puzzles: int
    test_puzzles: int
    steps: int
    batch: int
    width: int
    layers: int
    mdm_copies: int = 16     # masked copies of each training solution for the MDM
    seeds: int = 1


SCALES = {
    "smoke": Scale((4,), 8, 8, 30, 8, 16, 2, mdm_copies=2),
    "cpu-reduced": Scale((4,), 100, 200, 2000, 32, 64, 3),
    "full": Scale((4, 6, 9), 100, 1000, 20000, 64, 256, 6, seeds=3),  # by estimate; not run
}


def grid_vocab(n: int) -> Vocab:
    """The MDM's and ARM's tokens: digits, then ``.`` (empty, ARM prompt only)."""
    return Vocab([str(u) for u in range(1, n + 1)] + ["."], mask="[M]", bos="[BOS]",
                 eos="[EOS]")


class MarginMDMPolicy(LearnedMDMPolicy):
    """Confidence = top-1 minus top-2 probability (the "margin" order), one cell per step."""

    def decide_batch(self, canvases: Sequence[np.ndarray],
                     rng: np.random.Generator | None = None) -> list[MDMDecision]:
        width = max(len(c) for c in canvases)
        toks = np.full((len(canvases), width), self.pad, dtype=np.int64)
        for row, c in enumerate(canvases):
            toks[row, : len(c)] = c
        lengths = torch.tensor([len(c) for c in canvases], device=self.device)
        valid = torch.arange(width, device=self.device)[None, :] < lengths[:, None]
        out = self.model(torch.from_numpy(toks).to(self.device), valid)
        probs = torch.softmax(out.token_logits.float() + self.allowed, -1)
        top = probs.topk(2, dim=-1)
        tok = top.indices[..., 0].cpu().numpy()
        margin = (top.values[..., 0] - top.values[..., 1]).cpu().numpy()
        return [MDMDecision(tokens=tok[r, : len(c)].astype(np.int64), fill=None,
                            confidence=margin[r, : len(c)].astype(np.float64))
                for r, c in enumerate(canvases)]


def config(vocab_size: int, scale: Scale, causal: bool, max_len: int) -> ModelConfig:
    return ModelConfig(vocab_size=vocab_size + 1, pad_id=vocab_size, d_model=scale.width,
                       n_heads=4, n_layers=scale.layers, d_ff=2 * scale.width,
                       positions=("absolute",), attention="causal" if causal else "full",
                       max_position=max_len)


def valid(lay: SudokuLayout, puzzle: np.ndarray, grid: np.ndarray | None) -> bool:
    if grid is None or np.asarray(grid).size != lay.cells:
        return False
    g = np.asarray(grid).reshape(lay.n, lay.n)
    return lay.is_solution(g) and bool(((puzzle == 0) | (g == puzzle)).all())


Result = tuple[bool, int, str, np.ndarray]  # valid, steps, halt, final grid (0 = empty)


def score(model: str, n: int, res: list[Result], truth: list[np.ndarray]) -> dict:
    """Accuracy (Wilson 95%), steps, halts; and, to see *how* a model fails, the share of cells
    it filled and the share equal to the puzzle's unique solution."""
    k = sum(r[0] for r in res)
    lo, hi = wilson_interval(k, len(res))
    halts: dict[str, int] = defaultdict(int)
    for r in res:
        halts[r[2]] += 1
    grids = [r[3].reshape(n, n) for r in res]
    return {"model": model, "size": f"{n}x{n}", "n": len(res), "correct": k,
            "accuracy": k / len(res), "ci95": [round(lo, 4), round(hi, 4)],
            "mean_steps": float(np.mean([r[1] for r in res])), "halts": dict(halts),
            "cells_filled": float(np.mean([(g > 0).mean() for g in grids])),
            "cells_correct": float(np.mean([(g == s).mean() for g, s in
                                            zip(grids, truth, strict=True)]))}


def mdm_rows(puzzles: list[np.ndarray], solutions: list[np.ndarray], mask: int,
             rng: np.random.Generator, copies: int) -> list[Rows]:
    """Outcome rows: the givens kept, a random share of the other cells masked, targets = the
    solution at the masks (share 1 = the test-time canvas)."""
    rows = []
    for p, s in zip(puzzles, solutions, strict=True):
        free = p.reshape(-1) == 0
        full = s.reshape(-1) - 1
        for c in range(copies):
            share = 1.0 if c == 0 else rng.uniform(0.1, 1.0)
            m = free & (rng.random(free.size) < share)
            if not m.any():
                m = free.copy()
            x = np.where(m, mask, full)
            rows.append(Rows(x, full, m, np.zeros((len(x), 3), bool), np.zeros(len(x), bool)))
    return rows


def run(scale_name: str = "cpu-reduced", device: str = "cpu", seed: int = 0,
        progress: bool = True, checkpoints: Path | None = None, emit: Emit = no_emit) -> dict:
    scale = SCALES[check_scale(scale_name)]
    dev = str(resolve_device(device))
    clock = Clock()
    t = clock.t0
    seeds = [seed * 1000 + rep for rep in range(scale.seeds)]
    rng = np.random.default_rng([seed, 31])
    payload = new_payload(scale_name, dev, seed, seeds, sizes=list(scale.sizes),
                          train_puzzles=scale.train_puzzles, test_inputs_sha256={})
    rows, models = payload["rows"], payload["models"]
    for n in scale.sizes:
        machine, lay = SudokuAPMDM(n), SudokuLayout(n)
        train_p = [unique_puzzle(n, rng) for _ in range(scale.train_puzzles)]
        test_p = [unique_puzzle(n, rng) for _ in range(scale.test_puzzles)]
        # held out means held out: stop rather than score a test puzzle seen in training
        seen = {p.tobytes() for p in train_p}
        if any(p.tobytes() in seen for p in test_p):
            raise AssertionError(f"a {n}x{n} test puzzle is also a training puzzle")
        payload["test_inputs_sha256"][f"{n}x{n}"] = arrays_sha256(test_p)
        t = clock.lap(f"puzzles:{n}", t)
        # --- the construction: reference and training trajectories
        ref = machine.solve_batch(test_p)
        truth = [np.zeros((n, n), np.int64) if r.solution is None else r.solution for r in ref]
        rows.append(score("construction", n, [(valid(lay, p, r.solution), r.decoding_steps,
                                               r.halt.value, g) for p, r, g in
                                              zip(test_p, ref, truth, strict=True)], truth))
        traces = [machine.run(p, record_canvases=True) for p in train_p]
        solutions = [lay.grid(tr.final) for tr in traces]
        t = clock.lap(f"construction:{n}", t)
        emit_timed(payload, clock, emit)
        vocab, gv = machine.vocab, grid_vocab(n)
        dot = gv.id(".")
        data = {
            "ap-mdm": pack(apmdm_rows(traces, mask_id=vocab.mask_id), pad_id=len(vocab),
                           seed=seed, kind=f"sudoku{n}-apmdm-process"),
            "mdm": pack(mdm_rows(train_p, solutions, gv.mask_id, rng, scale.mdm_copies),
                        pad_id=len(gv), seed=seed, kind=f"sudoku{n}-mdm-outcome"),
            "arm": pack(arm_outcome_rows(
                [np.array([gv.bos_id, *np.where(p.reshape(-1) > 0, p.reshape(-1) - 1, dot)])
                 for p in train_p],
                [np.array([*(s.reshape(-1) - 1), gv.eos_id]) for s in solutions]),
                pad_id=len(gv), seed=seed, kind=f"sudoku{n}-arm-outcome"),
        }
        for name, d in data.items():
            res_cells: list[Result] = []
            for k, mseed in enumerate(seeds):
                v = vocab if name == "ap-mdm" else gv
                cfg = config(len(v), scale, name == "arm", max(lay.length, 2 * lay.cells + 4))
                model = build_model(cfg, mseed + {"ap-mdm": 0, "mdm": 1, "arm": 2}[name], dev)
                tcfg = TrainConfig(steps=scale.steps, batch_size=scale.batch, lr=2e-3,
                                   seed=mseed, device=dev, progress=progress)
                tr = train(model, d, tcfg)
                maybe_save(checkpoints, f"sudoku{n}-{name}-{mseed}", model, tcfg, d, tr)
                t = clock.lap(f"train:{name}:{n}", t)
                with torch.inference_mode():
                    cells = _evaluate(name, model, machine, lay, gv, test_p, dev, seed, k)
                res_cells += cells
                models.append({"model": name, "size": f"{n}x{n}", "train_seed": mseed,
                               "params": model.parameter_count(), "data": d.provenance(),
                               "data_sha256": d.content_hash, "optimizer_steps": tcfg.steps,
                               "train_wall_s": round(tr.wall_s, 2), "final_loss": tr.final_loss,
                               "test_accuracy": float(np.mean([c[0] for c in cells])),
                               **tr.throughput()})
                t = clock.lap(f"eval:{name}:{n}", t)
                emit_timed(payload, clock, emit)
            rows.append(score(name, n, res_cells, truth * len(seeds)))
            emit_timed(payload, clock, emit)
    payload["complete"] = True
    emit_timed(payload, clock, no_emit)
    return payload


def _evaluate(name: str, model, machine: SudokuAPMDM, lay: SudokuLayout, gv: Vocab,  # type: ignore[no-untyped-def]
              test_p: list[np.ndarray], dev: str, seed: int, k: int,
              ) -> list[Result]:
    rng = np.random.default_rng([seed, 7, k])
    if name == "ap-mdm":
        outs = run_apmdm_batched(LearnedAPMDMPolicy(model, machine.vocab, dev),
                                 [lay.initial_canvas(p) for p in test_p], machine.vocab,
                                 max_steps=20 * lay.cells, max_length=lay.length,
                                 halt_on_eos=False, rng=rng)
        return [(o.halt == HaltReason.FIXED_POINT and len(o.final) == lay.length
                 and valid(lay, p, lay.grid(o.final)), o.num_steps, o.halt.value,
                 lay.grid(o.final) if len(o.final) == lay.length else np.zeros(lay.cells))
                for p, o in zip(test_p, outs, strict=True)]
    if name == "mdm":
        starts = [np.where(p.reshape(-1) > 0, p.reshape(-1) - 1, gv.mask_id) for p in test_p]
        outs = run_mdm_batched(MarginMDMPolicy(model, gv, dev), starts, gv, fill_rule=TopK(1),
                               rng=rng)
        finals = [np.where(np.asarray(o.final) < lay.n, np.asarray(o.final) + 1, 0) for o in outs]
        return [(o.halt == HaltReason.NO_MASKS and valid(lay, p, f), o.num_steps, o.halt.value,
                 f) for p, o, f in zip(test_p, outs, finals, strict=True)]
    dot = gv.id(".")
    prompts = [np.array([gv.bos_id, *np.where(p.reshape(-1) > 0, p.reshape(-1) - 1, dot)])
               for p in test_p]
    outs = run_arm_batched(LearnedARMPolicy(model, gv, dev), prompts, gv,
                           max_length=2 * lay.cells + 4, rng=rng)
    res = []
    for p, pr, o in zip(test_p, prompts, outs, strict=True):
        gen = np.asarray(o.final)[len(pr):]
        ok = (o.halt == HaltReason.END_TOKEN and len(gen) == lay.cells + 1
              and bool((gen[:-1] < lay.n).all()) and valid(lay, p, gen[:-1] + 1))
        cells = np.zeros(lay.cells, np.int64)
        body = gen[: lay.cells]
        cells[: len(body)] = np.where(body < lay.n, body + 1, 0)
        res.append((ok, o.num_steps, o.halt.value, cells))
    return res


def work_plan(scale_name: str, seed: int = 0) -> dict[str, tuple[str, float]]:
    """Each phase's kind and work (experiments/plan.py); trajectories bounded by 20 n^2 steps."""
    from simulators.learned.model import PolicyTransformer
    from simulators.learned.throughput import flops_per_token

    scale = SCALES[check_scale(scale_name)]
    plan: dict[str, tuple[str, float]] = {}
    for n in scale.sizes:
        length, cells = 4 * n * n, n * n
        plan[f"construction:{n}"] = ("engine", float((scale.train_puzzles + scale.test_puzzles)
                                                     * 20 * cells * length))
        for name, vsize, ln, gen in (("ap-mdm", 2 * cells + 2 * n + 6, length, 20 * cells),
                                     ("mdm", n + 4, cells, cells), ("arm", n + 4, 2 * cells + 2,
                                                                    cells + 1)):
            cfg = config(vsize, scale, name == "arm", max(length, 2 * cells + 4))
            fpt = flops_per_token(cfg, PolicyTransformer(cfg).parameter_count(), ln)
            plan[f"train:{name}:{n}"] = ("train", float(scale.seeds * scale.steps * scale.batch
                                                       * ln * fpt))
            plan[f"eval:{name}:{n}"] = ("eval-network", float(scale.seeds * scale.test_puzzles
                                                             * gen * ln * fpt / 3))
    return plan


def plot(payload: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rs = payload["rows"]
    fig, ax = plt.subplots(figsize=(6.5, 4))
    labels = [f"{r['model']}\n{r['size']}" for r in rs]
    y = np.array([r["accuracy"] for r in rs])
    err = np.array([[r["accuracy"] - r["ci95"][0], r["ci95"][1] - r["accuracy"]] for r in rs]).T
    ax.bar(range(len(rs)), y, yerr=err, capsize=3, color="tab:blue")
    ax.set_xticks(range(len(rs)), labels, fontsize=8)
    ax.set(ylabel="valid solution (Wilson 95%)", ylim=(0, 1.05),
           title=f"Sudoku, held-out puzzles, scale {payload['scale']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(payload: dict, out: Path) -> list[Path]:
    cols = ["model", "size", "n", "accuracy", "ci95", "cells_filled", "cells_correct",
            "mean_steps", "halts"]
    notes = [
        "`construction` = the Sudoku AP-MDM (`constructions/sudoku_apmdm`); `ap-mdm` = encoder "
        "trained on its trajectories of the training puzzles, decoded greedily through the same "
        "`g`; `mdm` = one-shot MDM trained on the same puzzles' solutions (random masking), one "
        "cell per step by confidence margin; `arm` = causal transformer writing the solution. "
        "Same width, depth, heads, optimizer steps and batch; parameter counts in `models` "
        "(JSON). `accuracy` = valid grid keeping every given (Wilson 95% in `ci95`), on "
        "held-out unique-solution puzzles; `cells_filled` / `cells_correct` = share of cells "
        "filled / equal to the unique solution (how a model fails).",
        "This is not the paper's comparison: the paper's ARM and MDM figures were copied from "
        "another paper (1.8M training puzzles); here all three learned models see the same few "
        "puzzles at a tiny CPU scale, so the numbers say how each *training signal* fares with "
        "little data, not how the paper's models would.",
    ]
    return write_results(out, "sudoku", payload, markdown_table(payload["rows"], cols), notes,
                         lambda p: plot(payload, p))


def main(argv: Sequence[str] | None = None) -> int:
    return experiment_main("experiments.sudoku", __doc__.split("\n")[0], list(SCALES), run,
                           write, argv)


if __name__ == "__main__":
    raise SystemExit(run_main(main))
