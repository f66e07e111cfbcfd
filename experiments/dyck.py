"""Experiment 2: two-sided Dyck-2 generation -- Theorem 5's separation, measured
(docs/learned.md §2).

* ``construction`` -- the Theorem 5 AP-MDM (:mod:`constructions.dyck_apmdm`, unbounded mode:
  adaptive insert coin, every Dyck word is a possible output) run through the engine;
* ``ap-mdm`` -- an encoder trained on that construction's traces (process supervision, with the
  halting fixed point), sampled as a *stochastic* AP-MDM (tokens from the softmax, each control bit
  from Bernoulli(sigmoid)) through the same ``g``;
* ``arm`` -- a causal ARM trained on uniformly sampled Dyck-2 words (outcome supervision),
  sampled at temperature 1.

Rows are per output length ``L``: ``accuracy`` = validity (share of outputs of that length that
reduce to the empty word and came from a properly halted run), ``coverage`` = distinct valid
words seen / number of Dyck-2 words of that length (exact count), ``mean_steps`` = decoding steps
of those runs, ``beyond_training`` = L exceeds the longest word in the model's training data.

``python -m experiments.dyck [--scale cpu-reduced|full|smoke] [--device cpu|cuda|auto]``
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from constructions.dyck_apmdm import DyckAPMDM
from experiments.common import (
    Clock,
    Emit,
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
from simulators.grammars import DyckLanguage
from simulators.learned.batched import RunOutcome, run_apmdm_batched, run_arm_batched
from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.data import apmdm_rows, arm_outcome_rows, pack
from simulators.learned.evaluate import wilson_interval
from simulators.learned.policies import LearnedAPMDMPolicy, LearnedARMPolicy
from simulators.learned.train import build_model, resolve_device, train
from simulators.processes import HaltReason, Trace, Vocab

K = 2


@dataclass(frozen=True)
class Scale:
    train_runs: int          # construction runs drawn for training traces
    train_max_len: int       # keep only runs whose output has at most this length
    samples: int             # outputs drawn from each model (per training seed)
    test_max_len: int        # generation limit (canvas / ARM length)
    apmdm_steps: int
    arm_steps: int
    batch: int
    width: int
    seeds: int = 3           # independent training seeds per learned model


SCALES = {
    "smoke": Scale(60, 8, 32, 24, 60, 60, 16, 16, seeds=1),
    "cpu-reduced": Scale(600, 16, 400, 48, 1500, 1500, 64, 32),
    "full": Scale(4000, 32, 2000, 128, 4000, 4000, 256, 64),  # by estimate; not yet run on GPU
}


def language() -> DyckLanguage:
    return DyckLanguage("two-sided-dyck", k=K)


def arm_vocab() -> Vocab:
    return Vocab(list(language().names), mask="[M]", bos="[BOS]", eos="[EOS]")


def construction() -> DyckAPMDM:
    return DyckAPMDM(K, True, None, None)


def steps_limit(max_len: int) -> int:
    """The construction's own bound for words up to ``max_len``: 4 steps a round + final step."""
    return 4 * (max_len // 2 + 1) + 1


def apmdm_config(vocab_size: int, width: int) -> ModelConfig:
    return ModelConfig(vocab_size=vocab_size + 1, pad_id=vocab_size, d_model=width, n_heads=4,
                       n_layers=3, d_ff=2 * width, positions=("rotary", "relative"),
                       attention="full", window=3)


def arm_config(vocab_size: int, width: int) -> ModelConfig:
    return ModelConfig(vocab_size=vocab_size + 1, pad_id=vocab_size, d_model=width, n_heads=4,
                       n_layers=3, d_ff=2 * width, positions=("rotary",), attention="causal")


def summarise(model: str, words: list[np.ndarray], ok: np.ndarray, steps: list[int],
              train_max: int, halts: list[str]) -> list[dict]:
    """One row per output length: validity (Wilson 95% interval), coverage, steps."""
    lang = language()
    by_len: dict[int, list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        by_len[len(w)].append(i)
    rows = []
    for n in sorted(by_len):
        idx = by_len[n]
        valid = [i for i in idx if ok[i]]
        distinct = {words[i].tobytes() for i in valid}
        total = lang.count(n) if n % 2 == 0 else 0
        hs: dict[str, int] = defaultdict(int)
        for i in idx:
            hs[halts[i]] += 1
        lo, hi = wilson_interval(len(valid), len(idx))
        rows.append({"model": model, "length": n, "n": len(idx), "correct": len(valid),
                     "accuracy": len(valid) / len(idx), "ci95": [round(lo, 4), round(hi, 4)],
                     "mean_steps": float(np.mean([steps[i] for i in idx])),
                     "distinct_valid": len(distinct), "language_size": total,
                     "coverage": (len(distinct) / total) if total else 0.0,
                     "beyond_training": n > train_max, "halts": dict(hs)})
    return rows


def overall(words: Sequence[np.ndarray], ok: np.ndarray) -> dict:
    """Validity over all outputs and over the non-empty ones (Wilson), and the empty-word rate:
    the empty word is valid, so a model that mostly stops at once looks better than it is."""
    nonempty = np.array([len(w) > 0 for w in words])
    k, m = int((ok & nonempty).sum()), int(nonempty.sum())
    lo, hi = wilson_interval(k, m)
    return {"samples": len(words), "validity": float(np.mean(ok)),
            "empty": int((~nonempty).sum()), "empty_rate": float(np.mean(~nonempty)),
            "nonempty": m, "nonempty_valid": k, "nonempty_validity": k / m if m else None,
            "nonempty_ci95": [round(lo, 4), round(hi, 4)],
            "longest_valid": max((len(w) for w, g in zip(words, ok, strict=True) if g),
                                 default=0)}


def histogram(lengths: Iterable[int]) -> dict[str, int]:
    c = Counter(int(n) for n in lengths)
    return {str(n): c[n] for n in sorted(c)}


def judge(outs: Sequence[RunOutcome | Trace], strip: slice, expect: HaltReason,
          ) -> tuple[list[np.ndarray], np.ndarray]:
    lang = language()
    words = [np.asarray(o.final[strip], dtype=np.int64) for o in outs]
    ok = np.array([o.halt == expect and bool((w < 2 * K).all()) and lang.is_member(w)
                   for o, w in zip(outs, words, strict=True)])
    return words, ok


def work_plan(scale_name: str, seed: int = 0) -> dict[str, tuple]:
    """Each phase's kind, work and iterations (see experiments/plan.py), without training
    anything; row lengths are bounded by the longest training word (an over-estimate)."""
    from simulators.learned.model import PolicyTransformer
    from simulators.learned.throughput import flops_per_token

    scale = SCALES[check_scale(scale_name)]
    v, av = len(construction().vocab), len(arm_vocab())
    ln, m = scale.train_max_len + 2, scale.test_max_len
    runs = scale.train_runs + scale.samples
    plan: dict[str, tuple] = {"construction": ("engine", float(runs * steps_limit(m) * m),
                                               float(runs * steps_limit(m)))}
    for name, cfg, steps in (("ap-mdm", apmdm_config(v, scale.width), scale.apmdm_steps),
                             ("arm", arm_config(av, scale.width), scale.arm_steps)):
        fpt = flops_per_token(cfg, PolicyTransformer(cfg).parameter_count(), ln)
        plan[f"train:{name}"] = ("train", scale.seeds * steps * scale.batch * ln * fpt,
                                 float(scale.seeds * steps))
        it = steps_limit(m) if name == "ap-mdm" else m  # decoding steps per sample (bound)
        gen = it * 2 * m if name == "ap-mdm" else m * m
        plan[f"eval:{name}"] = ("eval-network", scale.seeds * scale.samples * gen * fpt / 3,
                                float(scale.seeds * scale.samples * it))
    return plan


def run(scale_name: str = "cpu-reduced", device: str = "cpu", seed: int = 0,
        progress: bool = True, checkpoints: Path | None = None, emit: Emit = no_emit) -> dict:
    scale = SCALES[check_scale(scale_name)]
    dev = str(resolve_device(device))
    clock = Clock()
    t = clock.t0
    cons = construction()
    vocab = cons.vocab
    seeds = [seed * 1000 + rep for rep in range(scale.seeds)]
    payload = new_payload(scale_name, dev, seed, seeds, k=K, test_inputs_sha256=None,
                          overall={}, per_seed=[], length_distribution={},
                          training_length_distribution={})
    rows, models = payload["rows"], payload["models"]
    rng = np.random.default_rng([seed, 2])
    # --- construction: training traces and its own samples
    traces = [cons.run(rng) for _ in range(scale.train_runs)]
    traces = [tr for tr in traces if len(tr.final) - 1 <= scale.train_max_len]
    samples = [cons.run(rng, record_canvases=False) for _ in range(scale.samples)]
    words, ok = judge(samples, slice(1, None), HaltReason.FIXED_POINT)
    rows += summarise("construction", words, ok, [s.num_steps for s in samples],
                      scale.train_max_len, [s.halt.value for s in samples])
    payload["overall"]["construction"] = overall(words, ok)
    payload["length_distribution"]["construction"] = histogram(len(w) for w in words)
    t = clock.lap("construction", t)
    emit_timed(payload, clock, emit)
    # --- learned AP-MDM on the construction's traces (stochastic targets: keep duplicates)
    data = pack(apmdm_rows(traces, mask_id=vocab.mask_id), pad_id=len(vocab), seed=seed,
                kind="dyck-apmdm-process", dedup=False,
                meta={"runs": len(traces), "max_output_length": scale.train_max_len})
    payload["training_length_distribution"]["ap-mdm"] = histogram(
        len(tr.final) - 1 for tr in traces)
    # --- ARM on uniformly sampled words of every even length up to the same maximum
    av = arm_vocab()
    lang = language()
    lens = rng.integers(0, scale.train_max_len // 2 + 1, size=max(len(data), 2000)) * 2
    words_tr = [lang.sample(int(n), rng) for n in lens]
    adata = pack(arm_outcome_rows([np.array([av.bos_id])] * len(words_tr),
                                  [np.concatenate([w, [av.eos_id]]) for w in words_tr]),
                 pad_id=len(av), seed=seed, kind="dyck-arm-outcome", dedup=False,
                 meta={"words": "uniform per length", "max_length": scale.train_max_len})
    payload["training_length_distribution"]["arm"] = histogram(len(w) for w in words_tr)
    for name in ("ap-mdm", "arm"):
        all_words: list[np.ndarray] = []
        all_ok, all_steps, all_halts = [], [], []
        for rep, mseed in enumerate(seeds):
            if name == "ap-mdm":
                model = build_model(apmdm_config(len(vocab), scale.width), mseed, dev)
                d = data
            else:
                model = build_model(arm_config(len(av), scale.width), mseed + 1, dev)
                d = adata
            tcfg = TrainConfig(steps=scale.apmdm_steps if name == "ap-mdm" else scale.arm_steps,
                               batch_size=scale.batch, lr=3e-3, seed=mseed, device=dev,
                               progress=progress)
            res = train(model, d, tcfg)
            maybe_save(checkpoints, f"dyck-{name}-{mseed}", model, tcfg, d, res)
            t = clock.lap(f"train:{name}", t)
            srng = np.random.default_rng([seed, 3 if name == "ap-mdm" else 4, rep])
            with torch.inference_mode():
                if name == "ap-mdm":
                    pol = LearnedAPMDMPolicy(model, vocab, dev, sample=True)
                    starts = [cons.layout.initial_canvas() for _ in range(scale.samples)]
                    outs = run_apmdm_batched(pol, starts, vocab,
                                             max_steps=steps_limit(scale.test_max_len),
                                             max_length=2 * scale.test_max_len + 2,
                                             halt_on_eos=False, rng=srng)
                    w, g = judge(outs, slice(1, None), HaltReason.FIXED_POINT)
                else:
                    apol = LearnedARMPolicy(model, av, dev, sample=True)
                    outs = run_arm_batched(apol, [np.array([av.bos_id])] * scale.samples, av,
                                           max_length=scale.test_max_len + 2, rng=srng)
                    w, g = judge(outs, slice(1, -1), HaltReason.END_TOKEN)
            all_words += w
            all_ok.append(g)
            all_steps += [o.num_steps for o in outs]
            all_halts += [o.halt.value for o in outs]
            payload["per_seed"].append({"model": name, "train_seed": mseed, **overall(w, g)})
            models.append({"model": name, "train_seed": mseed, "params": model.parameter_count(),
                           "data": d.provenance(), "data_sha256": d.content_hash,
                           "optimizer_steps": tcfg.steps, "train_wall_s": round(res.wall_s, 2),
                           "final_loss": res.final_loss, **res.throughput()})
            t = clock.lap(f"eval:{name}", t)
            emit_timed(payload, clock, emit)
        ok_all = np.concatenate(all_ok)
        rows += summarise(name, all_words, ok_all, all_steps, scale.train_max_len, all_halts)
        payload["overall"][name] = overall(all_words, ok_all)
        payload["length_distribution"][name] = histogram(len(w) for w in all_words)
        emit_timed(payload, clock, emit)
    payload["complete"] = True
    emit_timed(payload, clock, no_emit)
    return payload


def plot(payload: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for m in ("construction", "ap-mdm", "arm"):
        ev = [r for r in payload["rows"] if r["model"] == m and r["length"] > 0
              and r["length"] % 2 == 0]  # odd lengths are never valid (see table)
        if ev:
            x = np.array([r["length"] for r in ev])
            y = np.array([r["accuracy"] for r in ev])
            err = np.array([[r["accuracy"] - r["ci95"][0], r["ci95"][1] - r["accuracy"]]
                            for r in ev]).T
            ax1.errorbar(x, y, yerr=err, marker="o", capsize=2, label=m)
        dist = payload["length_distribution"].get(m)
        if dist:
            tot = sum(dist.values())
            ax2.plot([int(k) for k in dist], [v / tot for v in dist.values()], marker="o",
                     label=f"{m} (samples)")
    for m, dist in payload.get("training_length_distribution", {}).items():
        tot = sum(dist.values())
        ax2.plot([int(k) for k in dist], [v / tot for v in dist.values()], ls="--", lw=0.8,
                 label=f"{m} training words")
    ax1.set(xlabel="output length", ylabel="validity (Wilson 95% interval)", ylim=(-0.02, 1.02),
            title="validity of non-empty outputs, even lengths")
    ax2.set(xlabel="output length", ylabel="share of outputs", yscale="log",
            title="length distribution (empty word at 0)")
    ax1.legend(fontsize=7)
    ax2.legend(fontsize=7)
    fig.suptitle(f"Two-sided Dyck-2, scale {payload['scale']}, {payload['device']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(payload: dict, out: Path) -> list[Path]:
    cols = ["model", "length", "n", "accuracy", "ci95", "distinct_valid", "language_size",
            "coverage", "mean_steps", "beyond_training", "halts"]
    ov = payload.get("overall", {})
    summary = "; ".join(
        f"`{m}`: {o['nonempty_valid']}/{o['nonempty']} non-empty outputs valid "
        f"(Wilson 95% {o['nonempty_ci95'][0]:.3f}-{o['nonempty_ci95'][1]:.3f}), "
        f"{o['empty']}/{o['samples']} empty, longest valid {o['longest_valid']}"
        for m, o in ov.items())
    notes = [
        f"Overall (learned models pooled over the seeds in `provenance.seeds`): {summary}.",
        "`construction` = Theorem 5 AP-MDM (unbounded mode); `ap-mdm` = encoder trained on its "
        "traces, sampled stochastically through the same `g`; `arm` = causal transformer trained "
        "on uniformly sampled Dyck-2 words. Rows are pooled over seeds; `accuracy` = validity "
        "of the outputs of that length with a Wilson 95% interval (`ci95`); the empty word "
        "(length 0) is always valid, so compare non-empty validity. Per-seed figures are in "
        "`per_seed`, each model's length distribution beside its training words' in "
        "`length_distribution` / `training_length_distribution` (JSON). Coverage = distinct "
        "valid words seen / number of Dyck-2 words of that length (exact count).",
    ]
    return write_results(out, "dyck", payload, markdown_table(payload["rows"], cols), notes,
                         lambda p: plot(payload, p))


def main(argv: Sequence[str] | None = None) -> int:
    return experiment_main("experiments.dyck", __doc__.split("\n")[0], list(SCALES), run,
                           write, argv)


if __name__ == "__main__":
    raise SystemExit(run_main(main))
