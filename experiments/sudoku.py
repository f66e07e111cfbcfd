"""Experiment: Sudoku from few puzzles -- a learned AP-MDM trained on the remask-backtracking
construction's trajectories beside a one-shot MDM and an ARM (docs/learned_tasks.md, "Sudoku").

* ``construction`` -- the Sudoku AP-MDM (:mod:`constructions.sudoku_apmdm`) on the test puzzles:
  the reference (always a valid solution), its decoding steps and backtracks;
* ``ap-mdm`` -- an encoder trained on the construction's trajectories of the training puzzles
  (process supervision, with the halting fixed point), decoded greedily through the same ``g``;
  its runs are replayed through the engine to count backtracks the construction's way, and it is
  also scored teacher-forced on the construction's canvases (training and held-out) to say
  *where* it fails (:mod:`experiments.sudoku_diagnostics`);
* ``mdm`` -- a one-shot MDM (the grid as ``n^2`` tokens, givens fixed, every other cell masked)
  trained on the training puzzles' solutions with random masking (outcome supervision), decoded
  one cell per step in order of confidence margin (top-1 minus top-2 probability);
* ``arm`` -- a causal transformer reading the puzzle and writing the solution, cell by cell.

All three learned models share width, depth, heads, optimizer steps and batch; they see the same
training puzzles (``train_puzzles``, unique-solution, as few as the paper's 100), ``seeds``
training seeds each. Test puzzles are held out (fresh unique-solution puzzles, disjoint from the
training ones: checked, and both sets hashed); ``accuracy`` = a valid grid that keeps every
given, with a Wilson 95% interval over puzzles x seeds; ``mean_steps`` = decoding steps
(construction, AP-MDM, MDM) or generated tokens (ARM); ``instances`` = every test puzzle with
each run's steps.

``python -m experiments.sudoku [--scale cpu-reduced|full|smoke] [--device cpu|cuda|auto]``
(cpu-reduced: 4x4 and 6x6, 3 seeds; full: 4x4, 6x6 and 9x9 at the paper's width and depth --
a GPU configuration, by estimate (``python -m experiments.run_all --dry-run --only sudoku
--device cuda --scale full``), not yet run).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from constructions.sudoku_apmdm import SudokuAPMDM, SudokuLayout
from constructions.sudoku_apmdm.construction import grid_text
from constructions.sudoku_apmdm.process import count_backtracks
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
from experiments.sudoku_diagnostics import RecordingPolicy, replay_traces, teacher_forced
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
    test_puzzles: dict[int, int]     # held-out puzzles per size
    steps: dict[int, int]            # optimizer steps per size (every model the same)
    batch: int
    width: int
    layers: int
    mdm_copies: int = 16     # masked copies of each training solution for the MDM
    seeds: int = 1
    fit_puzzles: int = 50    # training puzzles decoded again: does a model fit its own data?
    # AP-MDM rows kept per size (None: all); a 9x9 run of 100 minimal puzzles has ~43,500
    # transitions of 324 tokens, beyond simulators.learned.data.MAX_DATASET_CELLS
    max_apmdm_rows: dict[int, int] = field(default_factory=dict)


SCALES = {
    "smoke": Scale((4,), 8, {4: 8}, {4: 30}, 8, 16, 2, mdm_copies=2, fit_puzzles=4),
    # CPU budget (2 shared cores): 6x6 gets fewer optimizer steps than 4x4, its rows are longer
    "cpu-reduced": Scale((4, 6), 100, {4: 200, 6: 200}, {4: 1500, 6: 1000}, 32, 64, 3,
                         seeds=3),
    # the GPU configuration (the paper's width/depth, 100 training puzzles); by estimate, not run
    "full": Scale((4, 6, 9), 100, {4: 1000, 6: 1000, 9: 200}, {4: 20000, 6: 20000, 9: 20000},
                  64, 256, 6, seeds=3, fit_puzzles=100, max_apmdm_rows={9: 25000}),
}

#: Mean constructed decoding steps of a minimal unique puzzle, measured on 20 puzzles per size
#: (``unique_puzzle(n, default_rng(0))``): 4.8 / 13.0 / 435 -- the plan's per-puzzle work.
PLAN_STEPS = {4: 5, 6: 13, 9: 435}
#: Seconds to generate one minimal unique puzzle, and to run the construction on one with its
#: canvases recorded, measured alike on the shared CPU (the plan's relative work; the run's
#: cost is dominated by the long 9x9 searches, which a per-step count models poorly).
PLAN_GEN_S = {4: 0.01, 6: 0.043, 9: 0.23}
PLAN_RUN_S = {4: 0.017, 6: 0.107, 9: 5.7}


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


@dataclass(frozen=True)
class Run:
    """One decoding run on one puzzle: judged valid?, decoding steps (ARM: generated tokens),
    halting reason, final grid (``n^2`` values, 0 = empty) and, for AP-MDMs, backtracks."""

    ok: bool
    steps: int
    halt: str
    grid: np.ndarray
    backtracks: int | None = None


def score(model: str, n: int, runs: list[Run], truth: list[np.ndarray]) -> dict:
    """Accuracy (Wilson 95%), steps, halts; and, to see *how* a model fails, the share of cells
    it filled and the share equal to the puzzle's unique solution."""
    k = sum(r.ok for r in runs)
    lo, hi = wilson_interval(k, len(runs))
    halts: dict[str, int] = defaultdict(int)
    for r in runs:
        halts[r.halt] += 1
    grids = [r.grid.reshape(n, n) for r in runs]
    return {"model": model, "size": f"{n}x{n}", "n": len(runs), "correct": k,
            "accuracy": k / len(runs), "ci95": [round(lo, 4), round(hi, 4)],
            "mean_steps": float(np.mean([r.steps for r in runs])), "halts": dict(halts),
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


def check_disjoint(n: int, train_p: list[np.ndarray], test_p: list[np.ndarray]) -> None:
    """Held out means held out: stop rather than score a test puzzle seen in training."""
    seen = {p.tobytes() for p in train_p}
    if any(p.tobytes() in seen for p in test_p):
        raise AssertionError(f"a {n}x{n} test puzzle is also a training puzzle")


def cap_rows(rows: list[Rows], cap: int | None, rng: np.random.Generator) -> list[Rows]:
    """At most ``cap`` rows, a uniform draw kept in trajectory order (None: all)."""
    if cap is None or len(rows) <= cap:
        return rows
    return [rows[i] for i in np.sort(rng.choice(len(rows), size=cap, replace=False))]


def loss_curve(losses: list[float], points: int = 10) -> list[list[float]]:
    """``[step, mean loss of the 20 steps up to it]`` at ``points`` evenly spaced steps."""
    if not losses:
        return []
    at = np.unique(np.linspace(1, len(losses), points).astype(int))
    return [[int(s), round(float(np.mean(losses[max(0, s - 20): s])), 5)] for s in at]


def steps_summary(size: str, model: str, instances: list[dict]) -> dict:
    """Learned against constructed decoding steps over the (puzzle, seed) runs both solved
    (the construction solves every test puzzle, so: the runs the model solved)."""
    pairs = [(inst["construction"]["steps"], inst["construction"]["backtracks"], st, bt)
             for inst in instances
             for ok, st, bt in zip(inst[model]["solved"], inst[model]["steps"],
                                   inst[model]["backtracks"], strict=True) if ok]
    runs = sum(len(inst[model]["solved"]) for inst in instances)
    out: dict = {"model": model, "size": size, "runs": runs, "both_solved": len(pairs)}
    if pairs:
        c, cb, s, b = (np.array(col, dtype=float) for col in zip(*pairs, strict=True))
        out.update(constructed_steps=float(c.mean()), learned_steps=float(s.mean()),
                   same_steps=float((c == s).mean()),
                   learned_minus_constructed=float((s - c).mean()),
                   constructed_backtracks=float(cb.mean()))
        if model == "ap-mdm":
            out["learned_backtracks"] = float(b.mean())
    return out


def run(scale_name: str = "cpu-reduced", device: str = "cpu", seed: int = 0,
        progress: bool = True, checkpoints: Path | None = None, emit: Emit = no_emit) -> dict:
    scale = SCALES[check_scale(scale_name)]
    dev = str(resolve_device(device))
    clock = Clock()
    t = clock.t0
    seeds = [seed * 1000 + rep for rep in range(scale.seeds)]
    rng = np.random.default_rng([seed, 31])
    payload = new_payload(scale_name, dev, seed, seeds, sizes=list(scale.sizes),
                          train_puzzles=scale.train_puzzles, test_inputs_sha256={},
                          train_inputs_sha256={}, diagnostics=[], steps=[], instances={})
    rows, models = payload["rows"], payload["models"]
    _warm_up(dev)
    t = clock.lap("warm-up", t)
    for n in scale.sizes:
        size = f"{n}x{n}"
        machine, lay = SudokuAPMDM(n), SudokuLayout(n)
        train_p = [unique_puzzle(n, rng) for _ in range(scale.train_puzzles)]
        test_p = [unique_puzzle(n, rng) for _ in range(scale.test_puzzles[n])]
        check_disjoint(n, train_p, test_p)
        payload["train_inputs_sha256"][size] = arrays_sha256(train_p)
        payload["test_inputs_sha256"][size] = arrays_sha256(test_p)
        t = clock.lap(f"puzzles:{n}", t)
        # --- the construction: training trajectories, and the reference on the test puzzles
        traces = [machine.run(p, record_canvases=True) for p in train_p]
        test_traces = [machine.run(p, record_canvases=True) for p in test_p]
        ref = [machine.result(tr) for tr in test_traces]
        truth = [np.zeros((n, n), np.int64) if r.solution is None else r.solution for r in ref]
        rows.append(score("construction", n, [
            Run(valid(lay, p, r.solution), r.decoding_steps, r.halt.value, g.reshape(-1),
                r.backtracks) for p, r, g in zip(test_p, ref, truth, strict=True)], truth))
        instances: list[dict] = [{"puzzle": grid_text(p), "givens": int((p > 0).sum()),
                      "construction": {"steps": r.decoding_steps, "backtracks": r.backtracks}}
                     for p, r in zip(test_p, ref, strict=True)]
        payload["instances"][size] = instances
        # a learned AP-MDM may run twice as long as the longest constructed run, and then some
        max_steps = max(20 * lay.cells, 2 * max(r.decoding_steps for r in ref) + 8)
        solutions = [lay.grid(tr.final) for tr in traces]
        t = clock.lap(f"construction:{n}", t)
        emit_timed(payload, clock, emit)
        vocab, gv = machine.vocab, grid_vocab(n)
        dot = gv.id(".")
        process = cap_rows(apmdm_rows(traces, mask_id=vocab.mask_id),
                           scale.max_apmdm_rows.get(n), rng)
        data = {
            "ap-mdm": pack(process, pad_id=len(vocab), seed=seed,
                           kind=f"sudoku{n}-apmdm-process"),
            "mdm": pack(mdm_rows(train_p, solutions, gv.mask_id, rng, scale.mdm_copies),
                        pad_id=len(gv), seed=seed, kind=f"sudoku{n}-mdm-outcome"),
            "arm": pack(arm_outcome_rows(
                [np.array([gv.bos_id, *np.where(p.reshape(-1) > 0, p.reshape(-1) - 1, dot)])
                 for p in train_p],
                [np.array([*(s.reshape(-1) - 1), gv.eos_id]) for s in solutions]),
                pad_id=len(gv), seed=seed, kind=f"sudoku{n}-arm-outcome"),
        }
        # the held-out puzzles' own constructed transitions, for the teacher-forced diagnosis:
        # each once, its recorded halting step included (not added a second time)
        held_out = pack(apmdm_rows(test_traces, mask_id=vocab.mask_id,
                                   include_fixed_points=False), pad_id=len(vocab),
                        seed=seed, kind=f"sudoku{n}-apmdm-process-test", dedup=False)
        fit_p = train_p[: scale.fit_puzzles]
        for name, d in data.items():
            all_runs: list[Run] = []
            for k, mseed in enumerate(seeds):
                v = vocab if name == "ap-mdm" else gv
                cfg = config(len(v), scale, name == "arm", max(lay.length, 2 * lay.cells + 4))
                model = build_model(cfg, mseed + {"ap-mdm": 0, "mdm": 1, "arm": 2}[name], dev)
                tcfg = TrainConfig(steps=scale.steps[n], batch_size=scale.batch, lr=2e-3,
                                   seed=mseed, device=dev, progress=progress)
                tr = train(model, d, tcfg)
                maybe_save(checkpoints, f"sudoku{n}-{name}-{mseed}", model, tcfg, d, tr)
                t = clock.lap(f"train:{name}:{n}", t)
                with torch.inference_mode():
                    runs = _evaluate(name, model, machine, lay, gv, test_p, dev, seed, k,
                                     max_steps)
                    fit = _evaluate(name, model, machine, lay, gv, fit_p, dev, seed, k,
                                    max_steps)
                all_runs += runs
                for inst, r in zip(instances, runs, strict=True):
                    rec: dict[str, list] = inst.setdefault(
                        name, {"seeds": [], "solved": [], "steps": [], "halt": [],
                               "backtracks": []})
                    for key, val in (("seeds", mseed), ("solved", r.ok), ("steps", r.steps),
                                     ("halt", r.halt), ("backtracks", r.backtracks)):
                        rec[key].append(val)
                fitted = sum(r.ok for r in fit)
                models.append({"model": name, "size": size, "train_seed": mseed,
                               "params": model.parameter_count(), "data": d.provenance(),
                               "data_sha256": d.content_hash, "optimizer_steps": tcfg.steps,
                               "train_wall_s": round(tr.wall_s, 2), "final_loss": tr.final_loss,
                               "loss_curve": loss_curve(tr.losses),
                               "test_accuracy": float(np.mean([r.ok for r in runs])),
                               "train_puzzles_solved": f"{fitted}/{len(fit)}",
                               **tr.throughput()})
                if name == "ap-mdm":
                    payload["diagnostics"].append({
                        "size": size, "train_seed": mseed, "final_loss": tr.final_loss,
                        "teacher_forced_train": teacher_forced(model, d, n, dev),
                        "teacher_forced_test": teacher_forced(model, held_out, n, dev),
                        "free_running_train": f"{fitted}/{len(fit)}",
                        "free_running_test": f"{sum(r.ok for r in runs)}/{len(runs)}"})
                t = clock.lap(f"eval:{name}:{n}", t)
                emit_timed(payload, clock, emit)
            rows.append(score(name, n, all_runs, truth * len(seeds)))
            payload["steps"].append(steps_summary(size, name, instances))
            emit_timed(payload, clock, emit)
    payload["complete"] = True
    emit_timed(payload, clock, no_emit)
    return payload


def _warm_up(dev: str) -> None:
    """One optimizer step of a tiny model: the one-time start-up of torch (and of CUDA) would
    otherwise be charged to the first training phase and skew the dry-run plan's fit."""
    cfg = ModelConfig(vocab_size=4, pad_id=3, d_model=8, n_heads=2, n_layers=1, d_ff=8)
    x = np.array([0, 1, 2, 1])
    data = pack([Rows(x, x, np.ones(4, bool), np.zeros((4, 3), bool), np.ones(4, bool))],
                pad_id=3, seed=0, kind="warm-up")
    train(build_model(cfg, 0, dev), data, TrainConfig(steps=1, batch_size=1, device=dev,
                                                      progress=False))


def _evaluate(name: str, model, machine: SudokuAPMDM, lay: SudokuLayout, gv: Vocab,  # type: ignore[no-untyped-def]
              puzzles: list[np.ndarray], dev: str, seed: int, k: int, max_steps: int,
              ) -> list[Run]:
    """Decode ``puzzles`` with the trained model on the engines' lock-step runners."""
    rng = np.random.default_rng([seed, 7, k])
    if name == "ap-mdm":
        policy = RecordingPolicy(LearnedAPMDMPolicy(model, machine.vocab, dev))
        starts = [lay.initial_canvas(p) for p in puzzles]
        outs = run_apmdm_batched(policy, starts, machine.vocab, max_steps=max_steps,
                                 max_length=lay.length, halt_on_eos=False, rng=rng)
        # the same runs again through run_apmdm, for a step record to count backtracks on
        traces = replay_traces(policy, starts, machine.vocab, outs, max_steps=max_steps,
                               max_length=lay.length)
        return [Run(o.halt == HaltReason.FIXED_POINT and len(o.final) == lay.length
                    and valid(lay, p, lay.grid(o.final)), o.num_steps, o.halt.value,
                    lay.grid(o.final).reshape(-1) if len(o.final) == lay.length
                    else np.zeros(lay.cells, np.int64), count_backtracks(tr.steps))
                for p, o, tr in zip(puzzles, outs, traces, strict=True)]
    if name == "mdm":
        starts = [np.where(p.reshape(-1) > 0, p.reshape(-1) - 1, gv.mask_id) for p in puzzles]
        outs = run_mdm_batched(MarginMDMPolicy(model, gv, dev), starts, gv, fill_rule=TopK(1),
                               rng=rng)
        finals = [np.where(np.asarray(o.final) < lay.n, np.asarray(o.final) + 1, 0) for o in outs]
        return [Run(o.halt == HaltReason.NO_MASKS and valid(lay, p, f), o.num_steps,
                    o.halt.value, f) for p, o, f in zip(puzzles, outs, finals, strict=True)]
    dot = gv.id(".")
    prompts = [np.array([gv.bos_id, *np.where(p.reshape(-1) > 0, p.reshape(-1) - 1, dot)])
               for p in puzzles]
    outs = run_arm_batched(LearnedARMPolicy(model, gv, dev), prompts, gv,
                           max_length=2 * lay.cells + 4, rng=rng)
    res = []
    for p, pr, o in zip(puzzles, prompts, outs, strict=True):
        gen = np.asarray(o.final)[len(pr):]
        ok = (o.halt == HaltReason.END_TOKEN and len(gen) == lay.cells + 1
              and bool((gen[:-1] < lay.n).all()) and valid(lay, p, gen[:-1] + 1))
        cells = np.zeros(lay.cells, np.int64)
        body = gen[: lay.cells]
        cells[: len(body)] = np.where(body < lay.n, body + 1, 0)
        res.append(Run(ok, o.num_steps, o.halt.value, cells))
    return res


def work_plan(scale_name: str, seed: int = 0) -> dict[str, tuple]:
    """Each phase's kind, work and sequential iterations (experiments/plan.py): a puzzle is
    taken to need :data:`PLAN_STEPS` constructed steps, a learned AP-MDM as many (decoding runs
    the test puzzles and the ``fit_puzzles`` training puzzles), the MDM one step per empty cell
    (about ``n^2``), the ARM ``n^2 + 1`` tokens; the teacher-forced diagnosis is one forward pass
    per transition. Generating puzzles and running the construction are numpy work on the host,
    planned from seconds per puzzle measured here (:data:`PLAN_GEN_S`, :data:`PLAN_RUN_S`)."""
    from simulators.learned.model import PolicyTransformer
    from simulators.learned.throughput import flops_per_token

    scale = SCALES[check_scale(scale_name)]
    plan: dict[str, tuple] = {}
    for n in scale.sizes:
        lay = SudokuLayout(n)
        length, cells, tests = lay.length, lay.cells, scale.test_puzzles[n]
        puzzles = scale.train_puzzles + tests
        plan[f"puzzles:{n}"] = ("puzzles", puzzles * PLAN_GEN_S[n])
        plan[f"construction:{n}"] = ("engine", puzzles * PLAN_RUN_S[n])
        decoded = scale.seeds * (tests + min(scale.fit_puzzles, scale.train_puzzles))
        per_puzzle = PLAN_STEPS[n] + 1  # transitions of one trajectory, the fixed point too
        train_rows = scale.train_puzzles * per_puzzle
        transitions = min(train_rows, scale.max_apmdm_rows.get(n, train_rows)) + tests * per_puzzle
        for name, vsize, ln, gen in (("ap-mdm", len(lay.vocab()), length, PLAN_STEPS[n]),
                                     ("mdm", n + 4, cells, cells),
                                     ("arm", n + 4, 2 * cells + 2, cells + 1)):
            cfg = config(vsize, scale, name == "arm", max(length, 2 * cells + 4))
            fpt = flops_per_token(cfg, PolicyTransformer(cfg).parameter_count(), ln)
            steps = scale.steps[n]
            plan[f"train:{name}:{n}"] = ("train", float(scale.seeds * steps * scale.batch * ln
                                                       * fpt), scale.seeds * steps)
            forwards = decoded * gen + (scale.seeds * transitions if name == "ap-mdm" else 0)
            plan[f"eval:{name}:{n}"] = ("eval-network", float(forwards * ln * fpt / 3),
                                        scale.seeds * 2 * gen)
    return plan


def plot(payload: dict, path: Path) -> None:
    """Left: accuracy per model and size; right: per test puzzle and seed, the learned
    AP-MDM's decoding steps against the construction's (dots: solved, crosses: not)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rs = payload["rows"]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.2))
    labels = [f"{r['model']}\n{r['size']}" for r in rs]
    y = np.array([r["accuracy"] for r in rs])
    err = np.array([[r["accuracy"] - r["ci95"][0], r["ci95"][1] - r["accuracy"]] for r in rs]).T
    ax.bar(range(len(rs)), y, yerr=err, capsize=3, color="tab:blue")
    ax.set_xticks(range(len(rs)), labels, fontsize=7)
    ax.set(ylabel="valid solution (Wilson 95%)", ylim=(0, 1.05),
           title=f"Sudoku, held-out puzzles, scale {payload['scale']}")
    jitter = np.random.default_rng(0)
    top = 1.0
    for colour, (size, instances) in zip(("tab:blue", "tab:orange", "tab:green"),
                                         payload["instances"].items(), strict=False):
        pts = [(i["construction"]["steps"], st, ok) for i in instances if "ap-mdm" in i
               for st, ok in zip(i["ap-mdm"]["steps"], i["ap-mdm"]["solved"], strict=True)]
        if not pts:
            continue
        c, s, ok = (np.array(v) for v in zip(*pts, strict=True))
        c = c + jitter.uniform(-0.2, 0.2, len(c))
        top = max(top, float(c.max()), float(s.max()))
        bx.scatter(c[ok], s[ok], s=40, color=colour, marker="o",
                   label=f"{size} solved ({ok.sum()})")
        bx.scatter(c[~ok], s[~ok], s=14, color=colour, marker="x", linewidths=0.6, alpha=0.5,
                   label=f"{size} not solved ({(~ok).sum()})")
    bx.plot([0, top], [0, top], color="grey", lw=0.8, ls="--")
    bx.set(xlabel="constructed decoding steps (jittered)", ylabel="learned AP-MDM decoding steps",
           title="per test puzzle and training seed", xscale="symlog", yscale="symlog")
    bx.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _diagnostics_table(payload: dict) -> str:
    def frac(d: dict, key: str) -> str:
        return f"{d[key]:.3f}"

    rows = [{"size": d["size"], "seed": d["train_seed"], "final loss": f"{d['final_loss']:.4f}",
             "step exact (train)": frac(d["teacher_forced_train"], "step_exact"),
             "step exact (held out)": frac(d["teacher_forced_test"], "step_exact"),
             "moving steps exact (held out)": frac(d["teacher_forced_test"], "step_exact_moving")
             if "step_exact_moving" in d["teacher_forced_test"] else "",
             "values (train)": frac(d["teacher_forced_train"], "value_acc"),
             "values (held out)": frac(d["teacher_forced_test"], "value_acc"),
             "bits (held out)": frac(d["teacher_forced_test"], "bit_acc"),
             "free-running train": d["free_running_train"],
             "free-running held out": d["free_running_test"]} for d in payload["diagnostics"]]
    return markdown_table(rows, list(rows[0])) if rows else ""


def _sample_table(payload: dict, per_size: int = 6) -> str:
    """The first test puzzles of each size: constructed and learned steps, per training seed
    (``*`` marks a solved run)."""
    rows = []
    for size, instances in payload["instances"].items():
        for inst in instances[:per_size]:
            row = {"size": size, "puzzle": f"`{inst['puzzle']}`",
                   "construction steps (backtracks)":
                       f"{inst['construction']['steps']} ({inst['construction']['backtracks']})"}
            for m in ("ap-mdm", "mdm", "arm"):
                if m in inst:
                    row[m] = " ".join(f"{st}{'*' if ok else ''}" for st, ok in
                                      zip(inst[m]["steps"], inst[m]["solved"], strict=True))
            rows.append(row)
    cols = ["size", "puzzle", "construction steps (backtracks)", "ap-mdm", "mdm", "arm"]
    return markdown_table(rows, cols) if rows else ""


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
        "held-out unique-solution puzzles, pooled over the training seeds (`n` = puzzles x "
        "seeds; the interval treats these runs as independent, though the seeds share the "
        "puzzles; `per_seed` = each seed's model alone); `cells_filled` / `cells_correct` = "
        "share of cells "
        "filled / equal to the unique solution (how a model fails). Training and test puzzles "
        "are disjoint (checked by the code; their hashes are in the JSON).",
        "This is not the paper's comparison: the paper's ARM and MDM figures were copied from "
        "another paper (1.8M training puzzles) and all its figures are at 9x9; here all three "
        "learned models see the same few puzzles at a tiny CPU scale, so the numbers say how "
        "each *training signal* fares with little data, not how the paper's models would.",
    ]
    rows = [{**r, "per_seed": " ".join(f"{m['test_accuracy']:.3f}" for m in payload["models"]
                                        if (m["model"], m["size"]) == (r["model"], r["size"]))}
            for r in payload["rows"]]  # the accuracy of each training seed's model alone
    tables = [markdown_table(rows, [*cols[:5], "per_seed", *cols[5:]])]
    diag = _diagnostics_table(payload)
    if diag:
        tables += ["", "### Learned AP-MDM, teacher-forced and free-running", "",
                   "Teacher-forced: the model's greedy decision on each of the construction's "
                   "own canvases (training trajectories / the held-out puzzles' trajectories); "
                   "`step exact` = share of transitions with every written token and every "
                   "control bit right (what free-running decoding needs at every step), "
                   "`values` = share of the value writes right. Free-running: puzzles solved "
                   "when decoding from the puzzle alone (training: the first `fit_puzzles`).",
                   "", diag]
    if payload["steps"]:
        steps_cols = ["model", "size", "runs", "both_solved", "constructed_steps",
                      "learned_steps", "same_steps", "constructed_backtracks",
                      "learned_backtracks"]
        tables += ["", "### Decoding steps, learned against constructed", "",
                   "Over the (test puzzle, seed) runs the model solved (the construction solves "
                   "every one): mean constructed and learned steps (MDM: one cell per step; "
                   "ARM: generated tokens), the share with equal counts, and mean backtracks "
                   "(`count_backtracks`, the construction's own count, on the replayed learned "
                   "run). Every run is in the JSON (`instances`).", "",
                   markdown_table(payload["steps"], steps_cols)]
    sample = _sample_table(payload)
    if sample:
        tables += ["", "### First test puzzles (steps per training seed, `*` = solved)", "",
                   sample]
    return write_results(out, "sudoku", payload, "\n".join(tables), notes,
                         lambda p: plot(payload, p))


def main(argv: Sequence[str] | None = None) -> int:
    return experiment_main("experiments.sudoku", __doc__.split("\n")[0], list(SCALES), run,
                           write, argv)


if __name__ == "__main__":
    raise SystemExit(run_main(main))
