"""Benchmark of the Theorem 3 wrapper: an MDM run vs the same MDM re-run as a Masked-ARM.

Run: ``.venv/bin/python -m benchmarks.masked_arm_bench [--repeat 3]``
Rows: random one-token-per-step MDM programs from an all-mask canvas (S = 64, 256) and the
Theorem 1 MDM of a ``double`` PRAM program (n = 1, 2; one token per step). Columns: context and
steps of each run, wall / CPU seconds of each run (best of ``--repeat``, fast interpreter path,
canvases recorded, serial-cost accounting memoised per length), and the slowdown
Masked-ARM / MDM. No target is set by the issue; this
documents the overhead (the Masked-ARM takes K + S steps on a canvas of 2S + K cells).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

from constructions.masked_arm import build_masked_arm
from constructions.masked_arm.example_policies import (
    DOUBLE_PRAM_SOURCE,
    example_vocab,
    random_mdm_program,
)
from simulators.cli_support import run_main
from simulators.encoder import Program, mdm_policy
from simulators.errors import UsageError
from simulators.processes import BaseVocab, HaltReason, run_masked_arm, run_mdm


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    best_wall, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, out


def _row(label: str, program: Program, vocab: BaseVocab, x0: np.ndarray, repeat: int) -> str:
    machine = build_masked_arm(program, vocab, len(x0))
    policy = mdm_policy(program)
    mdm_w, mdm_c, mdm = _best(lambda: run_mdm(policy, x0, vocab), repeat)
    start = machine.layout.initial_canvas(x0)
    wrapped = machine.policy()
    ma_w, ma_c, ma = _best(lambda: run_masked_arm(wrapped, start, machine.vocab), repeat)
    assert mdm.halt == ma.halt == HaltReason.NO_MASKS
    assert np.array_equal(mdm.final, machine.layout.final_mdm_canvas(ma.final))
    return (f"| {label} | {len(x0)} / {len(start)} | {mdm.num_steps} / {ma.num_steps} | "
            f"{mdm_w:.3f} / {mdm_c:.3f} | {ma_w:.3f} / {ma_c:.3f} | {ma_c / mdm_c:.1f}x |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 100:
        raise UsageError("--repeat must be in 1..100")
    print("| MDM | context MDM / M-ARM | steps MDM / M-ARM | MDM wall / cpu s | "
          "M-ARM wall / cpu s | slowdown (cpu) |")
    print("|---|---|---|---|---|---|")
    vocab = example_vocab(3)
    for s in (64, 256):
        program = random_mdm_program(vocab, s, 0, order="random")
        x0 = np.full(s, vocab.mask_id, dtype=np.int64)
        print(_row(f"random program, all masks, S={s}", program, vocab, x0, args.repeat))
    from constructions.pram_mdm import build_pram_mdm
    from simulators.pram import compile_source

    for n in (1, 2):
        mdm = build_pram_mdm(compile_source(DOUBLE_PRAM_SOURCE), {"A": list(range(1, n + 1))},
                             one_token_per_step=True)
        print(_row(f"Theorem 1 MDM, double, n={n}", mdm.program, mdm.vocab,
                   mdm.initial_canvas(), args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_main(main))
