"""Experiment 2: two-sided Dyck-2 generation -- Theorem 5's separation, measured (issue 7).

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

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from constructions.dyck_apmdm import DyckAPMDM
from experiments.common import (
    Clock,
    check_scale,
    device_name,
    experiment_main,
    markdown_table,
    maybe_save,
    write_results,
)
from simulators.cli_support import run_main
from simulators.grammars import DyckLanguage
from simulators.learned.batched import RunOutcome, run_apmdm_batched, run_arm_batched
from simulators.learned.config import ModelConfig, TrainConfig
from simulators.learned.data import apmdm_rows, arm_outcome_rows, pack
from simulators.learned.policies import LearnedAPMDMPolicy, LearnedARMPolicy
from simulators.learned.train import build_model, resolve_device, train
from simulators.processes import HaltReason, Vocab

K = 2


@dataclass(frozen=True)
class Scale:
    train_runs: int          # construction runs drawn for training traces
    train_max_len: int       # keep only runs whose output has at most this length
    samples: int             # outputs drawn from each model
    test_max_len: int        # generation limit (canvas / ARM length)
    apmdm_steps: int
    arm_steps: int
    batch: int
    width: int


SCALES = {
    "smoke": Scale(60, 8, 32, 24, 60, 60, 16, 16),
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
    """One row per output length: validity, coverage, steps."""
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
        rows.append({"model": model, "length": n, "n": len(idx),
                     "accuracy": len(valid) / len(idx),
                     "mean_steps": float(np.mean([steps[i] for i in idx])),
                     "distinct_valid": len(distinct), "language_size": total,
                     "coverage": (len(distinct) / total) if total else 0.0,
                     "beyond_training": n > train_max, "halts": dict(hs)})
    return rows


def judge(outs: Sequence[RunOutcome], strip: slice, expect: HaltReason,
          ) -> tuple[list[np.ndarray], np.ndarray]:
    lang = language()
    words = [np.asarray(o.final[strip], dtype=np.int64) for o in outs]
    ok = np.array([o.halt == expect and bool((w < 2 * K).all()) and lang.is_member(w)
                   for o, w in zip(outs, words, strict=True)])
    return words, ok


def run(scale_name: str = "cpu-reduced", device: str = "cpu", seed: int = 0,
        progress: bool = True, checkpoints: Path | None = None) -> dict:
    scale = SCALES[check_scale(scale_name)]
    dev = str(resolve_device(device))
    clock = Clock()
    t = clock.t0
    cons = construction()
    vocab = cons.vocab
    rng = np.random.default_rng([seed, 2])
    # --- construction: training traces and its own samples
    traces = [cons.run(rng) for _ in range(scale.train_runs)]
    traces = [tr for tr in traces if len(tr.final) - 1 <= scale.train_max_len]
    samples = [cons.run(rng, record_canvases=False) for _ in range(scale.samples)]
    words, ok = judge(samples, slice(1, None), HaltReason.FIXED_POINT)
    rows = summarise("construction", words, ok, [s.num_steps for s in samples],
                     scale.train_max_len, [s.halt.value for s in samples])
    t = clock.lap("construction", t)
    # --- learned AP-MDM on the construction's traces (stochastic targets: keep duplicates)
    data = pack(apmdm_rows(traces, mask_id=vocab.mask_id), pad_id=len(vocab), seed=seed,
                kind="dyck-apmdm-process", dedup=False,
                meta={"runs": len(traces), "max_output_length": scale.train_max_len})
    model = build_model(apmdm_config(len(vocab), scale.width), seed, dev)
    tcfg = TrainConfig(steps=scale.apmdm_steps, batch_size=scale.batch, lr=3e-3, seed=seed,
                       device=dev, progress=progress)
    res = train(model, data, tcfg)
    maybe_save(checkpoints, "dyck-ap-mdm", model, tcfg, data, res)
    t = clock.lap("train:ap-mdm", t)
    pol = LearnedAPMDMPolicy(model, vocab, dev, sample=True)
    starts = [cons.layout.initial_canvas() for _ in range(scale.samples)]
    with torch.inference_mode():
        outs = run_apmdm_batched(pol, starts, vocab, max_steps=steps_limit(scale.test_max_len),
                                 max_length=2 * scale.test_max_len + 2, halt_on_eos=False,
                                 rng=np.random.default_rng([seed, 3]))
    words, ok = judge(outs, slice(1, None), HaltReason.FIXED_POINT)
    models = [{"model": "ap-mdm", "params": model.parameter_count(), "data": data.provenance(),
               "train_wall_s": round(res.wall_s, 2), "final_loss": res.final_loss,
               "train_tokens_per_s": round(res.tokens_per_s, 1)}]
    rows += summarise("ap-mdm", words, ok, [o.num_steps for o in outs], scale.train_max_len,
                      [o.halt.value for o in outs])
    t = clock.lap("eval:ap-mdm", t)
    # --- ARM on uniformly sampled words of every even length up to the same maximum
    av = arm_vocab()
    lang = language()
    lens = rng.integers(0, scale.train_max_len // 2 + 1, size=max(len(data), 2000)) * 2
    words_tr = [lang.sample(int(n), rng) for n in lens]
    adata = pack(arm_outcome_rows([np.array([av.bos_id])] * len(words_tr),
                                  [np.concatenate([w, [av.eos_id]]) for w in words_tr]),
                 pad_id=len(av), seed=seed, kind="dyck-arm-outcome", dedup=False,
                 meta={"words": "uniform per length", "max_length": scale.train_max_len})
    amodel = build_model(arm_config(len(av), scale.width), seed + 1, dev)
    atcfg = TrainConfig(steps=scale.arm_steps, batch_size=scale.batch, lr=3e-3, seed=seed,
                        device=dev, progress=progress)
    ares = train(amodel, adata, atcfg)
    maybe_save(checkpoints, "dyck-arm", amodel, atcfg, adata, ares)
    t = clock.lap("train:arm", t)
    apol = LearnedARMPolicy(amodel, av, dev, sample=True)
    with torch.inference_mode():
        aouts = run_arm_batched(apol, [np.array([av.bos_id])] * scale.samples, av,
                                max_length=scale.test_max_len + 2,
                                rng=np.random.default_rng([seed, 4]))
    awords, aok = judge(aouts, slice(1, -1), HaltReason.END_TOKEN)
    rows += summarise("arm", awords, aok, [o.num_steps for o in aouts], scale.train_max_len,
                      [o.halt.value for o in aouts])
    models.append({"model": "arm", "params": amodel.parameter_count(),
                   "data": adata.provenance(), "train_wall_s": round(ares.wall_s, 2),
                   "final_loss": ares.final_loss,
                   "train_tokens_per_s": round(ares.tokens_per_s, 1)})
    t = clock.lap("eval:arm", t)
    overall = {m: float(np.mean(o)) for m, o in (("construction", ok * 0 + judge(
        samples, slice(1, None), HaltReason.FIXED_POINT)[1]), ("ap-mdm", ok), ("arm", aok))}
    return {"device": device_name(dev), "seed": seed, "scale": scale_name, "k": K,
            "rows": rows, "models": models, "overall_validity": overall,
            "timings_s": clock.phases, "wall_s": clock.total()}


def plot(payload: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for m in ("construction", "ap-mdm", "arm"):
        rs = [r for r in payload["rows"] if r["model"] == m and r["n"] > 0]
        ev = [r for r in rs if r["length"] % 2 == 0]  # odd lengths are never valid (see table)
        ax1.plot([r["length"] for r in ev], [r["accuracy"] for r in ev], marker="o", label=m)
        ev = [r for r in ev if r["length"] > 0]
        ax2.plot([r["length"] for r in ev], [r["coverage"] for r in ev], marker="o", label=m)
    lim = max((mm["data"].get("max_output_length", 0) or mm["data"].get("max_length", 0))
              for mm in payload["models"])
    for ax in (ax1, ax2):
        ax.axvline(lim + 0.5, color="grey", ls=":", lw=0.8)
        ax.set_xlabel("output length")
        ax.legend(fontsize=8)
    ax1.set(ylabel="validity (reduces to the empty word)", ylim=(-0.02, 1.02),
            title="validity, even lengths (dotted: longest training word)")
    ax2.set(ylabel="distinct valid words / |Dyck-2 of that length|", yscale="log",
            title="coverage by length")
    fig.suptitle(f"Two-sided Dyck-2, scale {payload['scale']}, {payload['device']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(payload: dict, out: Path) -> list[Path]:
    cols = ["model", "length", "n", "accuracy", "distinct_valid", "language_size", "coverage",
            "mean_steps", "beyond_training", "halts"]
    notes = [
        f"Overall validity: {payload['overall_validity']}.",
        "`construction` = Theorem 5 AP-MDM (unbounded mode); `ap-mdm` = encoder trained on its "
        "traces, sampled stochastically through the same `g`; `arm` = causal transformer trained "
        "on uniformly sampled Dyck-2 words. Coverage compares distinct valid words seen with the "
        "exact number of Dyck-2 words of that length; with a few hundred samples it is small for "
        "every model beyond length ~6, so compare models at equal sample counts.",
    ]
    return write_results(out, "dyck", payload, markdown_table(payload["rows"], cols), notes,
                         lambda p: plot(payload, p))


def main(argv: Sequence[str] | None = None) -> int:
    return experiment_main("experiments.dyck", __doc__.split("\n")[0], list(SCALES), run,
                           write, argv)


if __name__ == "__main__":
    raise SystemExit(run_main(main))
