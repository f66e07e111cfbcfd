"""Experiment 3: PRAM by MDM -- Theorem 1's construction versus learned MDMs (docs/learned.md §3).

For ``prefix_sum`` and ``sum`` (examples/pram/) over a sweep of n:

* ``construction`` -- the Theorem 1 MDM (:mod:`constructions.pram_mdm`): it decodes block by
  block, ``T + 1`` steps on a context of ``O(P * T)`` tokens; its outputs are checked against
  the PRAM semantics (numpy prefix sums / sums);
* ``mdm`` -- an encoder trained on input -> output pairs only (outcome supervision, random
  masking), decoded with confidence-threshold filling (``Threshold(0.9)``: every mask whose
  confidence is >= 0.9, at least the most confident one);
* ``mdm-process`` -- an encoder trained on the construction's *own* canvases (each canvas ->
  the final tokens at its masks, plus the construction's "fill now" set as a learned bit), then
  decoded with its learned fill set: does it learn block-by-block decoding in T + 1 steps, and
  does it compute the right values on unseen inputs? The construction's vocabulary has 2^27 ids;
  the network sees a compact vocabulary of the ids that occur in its training canvases (others
  map to one ``[UNK]``).

``python -m experiments.pram_mdm [--scale cpu-reduced|full|smoke] [--device cpu|cuda|auto]``
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from constructions.pram_mdm import build_pram_mdm, decode_outputs, run_built
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
from simulators.errors import InternalError, ProjectError
from simulators.learned.batched import run_mdm_batched
from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.data import TransitionDataset, mdm_outcome_rows, mdm_process_rows, pack
from simulators.learned.evaluate import score_outcomes
from simulators.learned.policies import LearnedMDMPolicy
from simulators.learned.train import build_model, resolve_device, train
from simulators.pram import bind, load_program
from simulators.processes import IntVocab, MDMDecision, Threshold, Vocab

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "pram"
VALUE_MAX = 7  # input values 0..7


@dataclass(frozen=True)
class Scale:
    ns: tuple[int, ...]
    tests: int                  # test inputs per (program, n), at most a quarter of all inputs
    outcome_train: int          # training pairs per (program, n), none of them a test input
    outcome_steps: int
    process_ns: tuple[int, ...]
    process_train: tuple[int, ...]  # construction runs per n in process_ns for mdm-process
    process_steps: int
    batch: int
    width: int


SCALES = {
    "smoke": Scale((2, 4), 4, 64, 60, (2,), (2,), 20, 8, 16),
    "cpu-reduced": Scale((2, 4, 8, 16), 16, 1000, 2000, (2,), (24,), 1500, 32, 32),
    # Sized so every dataset fits the 50M-cell cap of simulators.learned.data (checked by
    # tests/experiments/test_full_scale_shapes.py without training): 8,000 pairs per n
    # (80,000 rows x 65 tokens), and 24 runs at n = 8 (1,224 canvases x 4,017 tokens).
    "full": Scale((2, 4, 8, 16, 32), 128, 8000, 4000, (2, 4, 8), (64, 48, 24), 2000, 64, 64),
}


def programs() -> dict[str, object]:
    return {name: load_program(str(EXAMPLES / f"{name}.pram")) for name in ("prefix_sum", "sum")}


def reference(name: str, a: np.ndarray) -> np.ndarray:
    """What the PRAM program computes (independent numpy)."""
    return np.cumsum(a) if name == "prefix_sum" else np.array([a.sum()])


def split_inputs(rng: np.random.Generator, n: int, tests: int, train: int,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``tests`` distinct test inputs of size n (values 0..VALUE_MAX; at most a quarter of all
    inputs), then ``train`` training inputs drawn from the *other* inputs: disjoint by
    construction, and checked (:func:`check_disjoint`)."""
    space = (VALUE_MAX + 1) ** n
    k = min(tests, space // 4)
    if space <= 1 << 20:
        codes = rng.choice(space, size=k, replace=False)
        test = (codes[:, None] // (VALUE_MAX + 1) ** np.arange(n)[None, :]) % (VALUE_MAX + 1)
    else:
        seen: dict[bytes, np.ndarray] = {}
        while len(seen) < k:
            a = rng.integers(0, VALUE_MAX + 1, n)
            seen.setdefault(a.tobytes(), a)
        test = np.array(list(seen.values()))
    held = {a.tobytes() for a in test.astype(np.int64)}
    out: list[np.ndarray] = []
    while len(out) < train:
        cand = rng.integers(0, VALUE_MAX + 1, size=(train - len(out), n))
        out += [a for a in cand if a.tobytes() not in held]
    train_in = np.array(out, dtype=np.int64).reshape(train, n)
    test = test.astype(np.int64)
    check_disjoint(train_in, test)
    return train_in, test


def check_disjoint(train: np.ndarray, test: np.ndarray) -> None:
    """Raise InternalError if a test input is also a training input (a result on such inputs
    would measure recall, not generalisation)."""
    overlap = {a.tobytes() for a in train} & {a.tobytes() for a in test}
    if overlap:
        raise InternalError(f"{len(overlap)} test inputs are also training inputs")


# ------------------------------------------------------------- outcome-supervised MDM


def outcome_vocab(max_n: int) -> IntVocab:
    return IntVocab(0, VALUE_MAX * max_n, specials=("[M]", "[SEP]"))


def outcome_canvas(v: IntVocab, a: np.ndarray, out_len: int) -> np.ndarray:
    return np.concatenate([a, [v.id("[SEP]")], np.full(out_len, v.mask_id)]).astype(np.int64)


def outcome_split(name: str, scale: Scale, seed: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per n: (training inputs, test inputs), disjoint."""
    return {n: split_inputs(np.random.default_rng([seed, 31, n]), n, scale.tests,
                            scale.outcome_train) for n in scale.ns}


def outcome_data(name: str, scale: Scale, seed: int,
                 split: dict[int, tuple[np.ndarray, np.ndarray]]) -> TransitionDataset:
    v = outcome_vocab(max(scale.ns))
    rng = np.random.default_rng([seed, 31])
    inputs, outputs = [], []
    for n in scale.ns:
        for a in split[n][0]:
            inputs.append(np.concatenate([a, [v.id("[SEP]")]]))
            outputs.append(reference(name, a))
    return pack(mdm_outcome_rows(inputs, outputs, mask_id=v.mask_id, rng=rng, copies=2),
                pad_id=len(v), seed=seed, kind=f"{name}-mdm-outcome", dedup=False,
                meta={"ns": list(scale.ns), "per_n": scale.outcome_train,
                      "train_test_overlap": 0})


def outcome_shape(name: str, scale: Scale) -> tuple[int, int]:
    """(rows, width) of :func:`outcome_data` without building it (2 copies per pair)."""
    n = max(scale.ns)
    out = n if name == "prefix_sum" else 1
    return 2 * len(scale.ns) * scale.outcome_train, n + 1 + out


def run_outcome(name: str, scale: Scale, dev: str, seed: int, progress: bool,
                clock: Clock, checkpoints: Path | None = None) -> tuple[list[dict], dict]:
    v = outcome_vocab(max(scale.ns))
    split = outcome_split(name, scale, seed)
    data = outcome_data(name, scale, seed, split)
    cfg = ModelConfig(vocab_size=len(v) + 1, pad_id=len(v), d_model=scale.width, n_heads=4,
                      n_layers=3, d_ff=2 * scale.width, positions=("absolute",),
                      attention="full", max_position=2 * max(scale.ns) + 2)
    model = build_model(cfg, seed, dev)
    t = time.perf_counter()
    tcfg = TrainConfig(steps=scale.outcome_steps, batch_size=scale.batch, lr=3e-3, seed=seed,
                       device=dev, progress=progress)
    res = train(model, data, tcfg)
    maybe_save(checkpoints, f"pram-mdm-{name}", model, tcfg, data, res)
    t = clock.lap(f"train:mdm:{name}", t)
    pol = LearnedMDMPolicy(model, v, dev)
    rows = []
    for n in scale.ns:
        tests = split[n][1]
        check_disjoint(split[n][0], tests)
        want = [reference(name, a) for a in tests]
        canv = [outcome_canvas(v, a, len(w)) for a, w in zip(tests, want, strict=True)]
        with torch.inference_mode():
            outs = run_mdm_batched(pol, canv, v, fill_rule=Threshold(0.9))
        def exact(k: int, f: np.ndarray, want: list = want, n: int = n) -> bool:
            return bool(np.array_equal(f[n + 1:], want[k]))

        s = score_outcomes(outs, exact)
        rows.append({"program": name, "model": "mdm", "length": n, **s,
                     "train_test_overlap": 0, "test_inputs_sha256": arrays_sha256([tests]),
                     "params": model.parameter_count(), "data_sha256": data.content_hash})
    clock.lap(f"eval:mdm:{name}", t)
    return rows, {"program": name, "model": "mdm", "params": model.parameter_count(),
                  "data": data.provenance(), "data_sha256": data.content_hash,
                  "optimizer_steps": tcfg.steps, "train_wall_s": round(res.wall_s, 2),
                  "final_loss": res.final_loss, **res.throughput()}


# ------------------------------------------------------------- construction and mdm-process


class CompactMDMPolicy:
    """A network over a compact vocabulary acting on the construction's canvases.

    Compact id ``j < len(ids)`` stands for construction id ``ids[j]``; the construction's mask
    maps to the compact mask and every other id to ``[UNK]``. The network never proposes the
    mask or ``[UNK]``, so its tokens always map back to real construction ids.
    """

    def __init__(self, inner: LearnedMDMPolicy, ids: np.ndarray, mask: int) -> None:
        self.inner, self.ids, self.mask = inner, np.asarray(ids, dtype=np.int64), mask
        self.compact = inner.vocab
        inner.allowed[self.compact.bos_id] = float("-inf")  # [UNK]

    def encode(self, canvas: np.ndarray) -> np.ndarray:
        c = np.asarray(canvas, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.ids, c), len(self.ids) - 1)
        unk = int(self.compact.bos_id)  # type: ignore[arg-type]  # [UNK] is the BOS slot
        out = np.where(self.ids[pos] == c, pos, unk)
        return np.where(c == self.mask, self.compact.mask_id, out)

    def decide_batch(self, canvases, rng=None):  # type: ignore[no-untyped-def]
        decs = self.inner.decide_batch([self.encode(c) for c in canvases], rng)
        back = np.concatenate([self.ids, [self.mask, self.mask]])
        return [MDMDecision(tokens=back[d.tokens], fill=d.fill, confidence=d.confidence)
                for d in decs]


def compact_vocab(ids: np.ndarray) -> Vocab:
    """Values ``0..len(ids)-1``, then the mask ``[CM]`` and ``[UNK]`` (stored as the BOS slot)."""
    return Vocab([str(i) for i in range(len(ids))], mask="[CM]", bos="[UNK]")


def built_for(prog, n: int):  # type: ignore[no-untyped-def]
    """The Theorem 1 MDM at size n (the network depends on n only, not on the input values)."""
    return build_pram_mdm(prog, {"A": [0] * n})


def run_on(mdm, prog, a: np.ndarray, *, record: bool = False):  # type: ignore[no-untyped-def]
    """Decode the size-n MDM on input ``a`` (its canvas built from the PRAM binding of ``a``)."""
    return run_built(mdm, mdm.initial_canvas(bind(prog, {"A": list(a)})), record_canvases=record)


def run_construction(name: str, prog, scale: Scale, seed: int) -> list[dict]:  # type: ignore[no-untyped-def]
    rows = []
    out_name = "A" if name == "prefix_sum" else "S"
    for n in scale.ns:
        trng = np.random.default_rng([seed, 32, n])
        tests = trng.integers(0, VALUE_MAX + 1, size=(min(scale.tests, 4), n))
        mdm = built_for(prog, n)
        res = [run_on(mdm, prog, a) for a in tests]
        ok = [np.array_equal(r.output[out_name], reference(name, a))
              for r, a in zip(res, tests, strict=True)]
        steps = [r.decoding_steps for r in res]
        rows.append({"program": name, "model": "construction", "length": n,
                     "accuracy": float(np.mean(ok)), "n": len(ok), "mean_steps": float(
                         np.mean(steps)), "T_plus_1": res[0].pram_steps + 1,
                     "time_bound": res[0].time_bound,
                     "pram_steps": res[0].pram_steps, "context_length": res[0].context_length,
                     "halts": {"no_masks": len(ok)}})
    return rows


def process_data(name: str, prog, n: int, train_in: np.ndarray, seed: int):  # type: ignore[no-untyped-def]
    """The construction's canvases on ``train_in`` in the compact vocabulary: (data, mdm, ids,
    compact vocab, decoding steps of one run)."""
    mdm = built_for(prog, n)
    runs = [run_on(mdm, prog, a, record=True) for a in train_in]
    vocab = mdm.vocab
    traces = [r.trace for r in runs]
    seen = np.unique(np.concatenate([c for tr in traces for c in tr.canvases]))
    ids = seen[seen != vocab.mask_id]
    compact = compact_vocab(ids)
    mapper = CompactMDMPolicy(LearnedMDMPolicy(build_model(ModelConfig(
        vocab_size=len(compact)), 0), compact), ids, vocab.mask_id)  # encoder only
    ctraces = [SimpleNamespace(canvases=[mapper.encode(c) for c in tr.canvases],
                               final=mapper.encode(tr.final)) for tr in traces]
    data = pack(mdm_process_rows(ctraces, mask_id=compact.mask_id), pad_id=len(compact),
                seed=seed, kind=f"{name}-mdm-process", dedup=False,
                meta={"n": n, "runs": len(traces), "context": mdm.layout.S,
                      "compact_vocab": len(compact), "train_test_overlap": 0})
    return data, mdm, ids, compact, runs[0].decoding_steps


def process_shape(prog, n: int, runs: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(rows, width) of :func:`process_data` without building it: one row per decoding step of
    each run (the schedule does not depend on the input values), canvases of S tokens."""
    mdm = built_for(prog, n)
    res = run_on(mdm, prog, np.zeros(n, dtype=np.int64))
    return runs * res.decoding_steps, mdm.layout.S


def run_process(name: str, prog, scale: Scale, dev: str, seed: int, progress: bool,  # type: ignore[no-untyped-def]
                clock: Clock, checkpoints: Path | None = None) -> tuple[list[dict], list[dict]]:
    rows, infos = [], []
    out_name = "A" if name == "prefix_sum" else "S"
    for n, runs in zip(scale.process_ns, scale.process_train, strict=True):
        train_in, tests = split_inputs(np.random.default_rng([seed, 33, n]), n,
                                       min(scale.tests, 8), runs)
        data, mdm, ids, compact, target = process_data(name, prog, n, train_in, seed)
        lay, vocab = mdm.layout, mdm.vocab
        cfg = ModelConfig(vocab_size=len(compact) + 1, pad_id=len(compact), d_model=scale.width,
                          n_heads=4, n_layers=3, d_ff=2 * scale.width,
                          positions=("absolute",), attention="full", max_position=lay.S)
        model = build_model(cfg, seed, dev)
        t = time.perf_counter()
        tcfg = TrainConfig(steps=scale.process_steps, batch_size=min(scale.batch, 8), lr=3e-3,
                           seed=seed, device=dev, progress=progress)
        res = train(model, data, tcfg)
        maybe_save(checkpoints, f"pram-mdm-process-{name}-{n}", model, tcfg, data, res)
        t = clock.lap(f"train:mdm-process:{name}:{n}", t)
        inner = LearnedMDMPolicy(model, compact, dev, learned_fill=True)
        pol = CompactMDMPolicy(inner, ids, vocab.mask_id)
        check_disjoint(train_in, tests)
        starts = [mdm.initial_canvas(bind(prog, {"A": list(a)})) for a in tests]
        with torch.inference_mode():
            # A schedule more than 4x slower than the construction's T + 1 counts as failed
            # (halt "step_limit"); an untrained model would otherwise fill one mask per step.
            outs = run_mdm_batched(pol, starts, vocab, max_steps=min(lay.S, 4 * target))

        def ok(k: int, f: np.ndarray, tests=tests, lay=lay) -> bool:  # type: ignore[no-untyped-def]
            try:
                got = decode_outputs(prog, lay, f)[out_name]
            except ProjectError:
                return False
            return np.array_equal(got, reference(name, tests[k]))

        s = score_outcomes(outs, ok)
        clock.lap(f"eval:mdm-process:{name}:{n}", t)
        rows.append({"program": name, "model": "mdm-process", "length": n, **s,
                     "T_plus_1": target, "time_bound": lay.T, "steps_equal_T_plus_1": float(
                         np.mean([o.num_steps == target for o in outs])),
                     # learned fill bit fired nowhere -> the most confident mask was filled
                     "fallback_fills": inner.fallback_fills,
                     "fill_decisions": inner.fill_decisions,
                     "train_test_overlap": 0, "test_inputs_sha256": arrays_sha256([tests]),
                     "context_length": lay.S, "params": model.parameter_count(),
                     "data_sha256": data.content_hash})
        infos.append({"program": name, "model": "mdm-process", "n": n,
                      "params": model.parameter_count(), "data": data.provenance(),
                      "data_sha256": data.content_hash, "optimizer_steps": tcfg.steps,
                      "train_wall_s": round(res.wall_s, 2), "final_loss": res.final_loss,
                      **res.throughput()})
    return rows, infos


def dataset_shapes(scale_name: str) -> list[dict]:
    """Every dataset the scale would train on, as (rows, width), without building any."""
    scale = SCALES[check_scale(scale_name)]
    out = []
    for name, prog in programs().items():
        rows, width = outcome_shape(name, scale)
        out.append({"dataset": f"{name}-mdm-outcome", "rows": rows, "width": width})
        if name == "prefix_sum":
            for n, runs in zip(scale.process_ns, scale.process_train, strict=True):
                rows, width = process_shape(prog, n, runs)
                out.append({"dataset": f"{name}-mdm-process-n{n}", "rows": rows,
                            "width": width})
    return out


def work_plan(scale_name: str, seed: int = 0) -> dict[str, tuple]:
    """Each phase's kind, work and iterations (see experiments/plan.py), without training."""
    from simulators.learned.model import PolicyTransformer
    from simulators.learned.throughput import flops_per_token

    scale = SCALES[check_scale(scale_name)]
    plan: dict[str, tuple] = {}
    for name, prog in programs().items():
        lays = {n: built_for(prog, n).layout for n in scale.ns}
        k = min(scale.tests, 4)
        plan[f"construction:{name}"] = ("engine", float(sum(
            k * lay.S * (lay.T + 1) for lay in lays.values())), float(sum(
                k * (lay.T + 1) for lay in lays.values())))
        rows, width = outcome_shape(name, scale)
        cfg = ModelConfig(vocab_size=VALUE_MAX * max(scale.ns) + 4, d_model=scale.width,
                          n_heads=4, n_layers=3, d_ff=2 * scale.width, max_position=width + 1)
        fpt = flops_per_token(cfg, PolicyTransformer(cfg).parameter_count(), width)
        plan[f"train:mdm:{name}"] = ("train", scale.outcome_steps * scale.batch * width * fpt,
                                     float(scale.outcome_steps))
        plan[f"eval:mdm:{name}"] = ("eval-network", float(sum(
            scale.tests * n * (2 * n + 1) * fpt / 3 for n in scale.ns)), float(sum(
                scale.tests * n for n in scale.ns)))
        if name != "prefix_sum":
            continue
        for n in scale.process_ns:
            lay = built_for(prog, n).layout
            cfg = ModelConfig(vocab_size=4 * lay.S, d_model=scale.width, n_heads=4, n_layers=3,
                              d_ff=2 * scale.width, max_position=lay.S)
            fpt = flops_per_token(cfg, PolicyTransformer(cfg).parameter_count(), lay.S)
            plan[f"train:mdm-process:{name}:{n}"] = (
                "train", scale.process_steps * min(scale.batch, 8) * lay.S * fpt,
                float(scale.process_steps))
            tests = min(scale.tests, 8)
            plan[f"eval:mdm-process:{name}:{n}"] = (
                "eval-network", tests * (lay.T + 1) * lay.S * fpt / 3,
                float(tests * (lay.T + 1)))
    return plan


def run(scale_name: str = "cpu-reduced", device: str = "cpu", seed: int = 0,
        progress: bool = True, checkpoints: Path | None = None, emit: Emit = no_emit) -> dict:
    scale = SCALES[check_scale(scale_name)]
    dev = str(resolve_device(device))
    clock = Clock()
    payload = new_payload(scale_name, dev, seed, [seed])
    rows, models = payload["rows"], payload["models"]
    for name, prog in programs().items():
        t = time.perf_counter()
        rows += run_construction(name, prog, scale, seed)
        clock.lap(f"construction:{name}", t)
        emit_timed(payload, clock, emit)
        orow, info = run_outcome(name, scale, dev, seed, progress, clock, checkpoints)
        rows += orow
        models.append(info)
        emit_timed(payload, clock, emit)
        if name == "prefix_sum":
            prow, pinfo = run_process(name, prog, scale, dev, seed, progress, clock, checkpoints)
            rows += prow
            models += pinfo
            emit_timed(payload, clock, emit)
    payload["test_inputs_sha256"] = arrays_sha256(
        [np.frombuffer(r["test_inputs_sha256"].encode(), np.uint8) for r in rows
         if "test_inputs_sha256" in r])
    payload["complete"] = True
    emit_timed(payload, clock, no_emit)
    return payload


def plot(payload: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for prog in ("prefix_sum", "sum"):
        for m in ("construction", "mdm", "mdm-process"):
            rs = [r for r in payload["rows"] if r["program"] == prog and r["model"] == m]
            if not rs:
                continue
            lab = f"{prog}: {m}"
            ax1.plot([r["length"] for r in rs], [r["mean_steps"] for r in rs], marker="o",
                     label=lab)
            ax2.plot([r["length"] for r in rs], [r["accuracy"] for r in rs], marker="o",
                     label=lab)
    ax1.set(xscale="log", yscale="log", xlabel="n", ylabel="mean decoding steps",
            title="decoding steps (construction: T + 1)")
    ax2.set(xscale="log", xlabel="n", ylabel="exact-output accuracy", ylim=(-0.02, 1.02),
            title="accuracy")
    ax1.legend(fontsize=7)
    ax2.legend(fontsize=7)
    fig.suptitle(f"PRAM by MDM, scale {payload['scale']}, {payload['device']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(payload: dict, out: Path) -> list[Path]:
    cols = ["program", "model", "length", "accuracy", "ci95", "n", "mean_steps", "T_plus_1",
            "time_bound", "steps_equal_T_plus_1", "fallback_fills", "fill_decisions",
            "context_length", "halts"]
    notes = [
        "`length` is n (input size). `construction` steps are the Theorem 1 MDM's decoding steps: "
        "T + 1 with T the PRAM's actual parallel steps (it stops filling blocks once the PRAM "
        "halts; `time_bound` is the declared T(n), which sizes the canvas). `mdm` = "
        "trained on input->output pairs, Threshold(0.9) filling, context = n + 1 + output "
        "length. `mdm-process` = trained on the construction's canvases with a learned fill "
        "bit; `steps_equal_T_plus_1` = share of its runs that decoded in exactly T + 1 steps; "
        "`fallback_fills` = of its `fill_decisions` (one per canvas per step), how many had the "
        "learned fill bit fire at no mask, so the policy filled the single most confident mask "
        "instead.",
        "Test inputs are distinct and disjoint from every training input (checked by "
        "`check_disjoint`, which raises otherwise; `train_test_overlap` = 0 in every learned "
        "row); at most a quarter of all inputs of a size are held out (n = 2 has 64 inputs, so "
        "16 tests). `test_inputs_sha256` names the exact test inputs of each row.",
    ]
    return write_results(out, "pram_mdm", payload, markdown_table(payload["rows"], cols), notes,
                         lambda p: plot(payload, p))


def main(argv: Sequence[str] | None = None) -> int:
    return experiment_main("experiments.pram_mdm", __doc__.split("\n")[0], list(SCALES), run,
                           write, argv)


if __name__ == "__main__":
    raise SystemExit(run_main(main))
