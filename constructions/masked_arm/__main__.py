"""``python -m constructions.masked_arm {demo,prefix-sum}``: an any-order MDM as a Masked-ARM.

``demo`` draws a random one-token-per-step MDM program (see :mod:`.example_policies`);
``prefix-sum --input 3,1,4,1 --order 3,1,0,2`` is the worked example of docs/theorem3.md. Both
run the MDM and, through the Theorem 3 wrapper, the Masked-ARM, print both traces and the figures
the theorem reports (extra depth, extra context). Exit status 0 when the runs agree, 1 when not,
2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.masked_arm.construction import Theorem3
from constructions.masked_arm.example_policies import (
    ORDERS,
    example_vocab,
    prefix_sum_mdm_program,
    random_initial_canvas,
    random_mdm_program,
)
from constructions.masked_arm.layout import MAX_CONTEXT
from constructions.masked_arm.simulate import simulate
from simulators.cli_support import ArgumentParser, run_main
from simulators.encoder import Program
from simulators.errors import UsageError
from simulators.processes import BaseVocab, IntVocab, render_trace, trace_to_text
from simulators.processes.html import program_explainer


def _parser() -> argparse.ArgumentParser:
    p = ArgumentParser(prog="python -m constructions.masked_arm",
                       description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="random MDM program vs its Masked-ARM")
    d.add_argument("--seed", type=int, default=0, help="program and canvas seed (default 0)")
    d.add_argument("--context", type=int, default=8, help="MDM context length S (default 8)")
    d.add_argument("--tokens", type=int, default=3, help="plain tokens in the vocabulary")
    d.add_argument("--order", choices=ORDERS, default="random", help="the MDM's fill order")
    d.add_argument("--mask-fraction", type=float, default=0.75,
                   help="fraction of the initial canvas that is masked (default 0.75)")
    d.add_argument("--no-readout", action="store_true", help="omit the read-out region")
    d.add_argument("--show", action="store_true", help="render both traces with rich")
    d.add_argument("--dump", action="store_true", help="also list the Masked-ARM program")
    ps = sub.add_parser("prefix-sum", help="the worked example: prefix sums in any order")
    ps.add_argument("--input", default="3,1,4,1", help="comma-separated values 0..9")
    ps.add_argument("--order", default=None,
                    help="fill order of the output cells, e.g. 3,1,0,2 (default: right to left)")
    for q in (d, ps):
        add_run_options(q)
    for q in (ps,):
        q.add_argument("--no-readout", action="store_true", help="omit the read-out region")
        q.add_argument("--show", action="store_true", help="render both traces with rich")
        q.add_argument("--dump", action="store_true", help="also list the Masked-ARM program")
    return p


def _int_list(text: str, option: str) -> list[int]:
    items = [t.strip() for t in text.split(",")] if text.strip() else []
    if not items or not all(t.isdigit() and t.isascii() and len(t) <= 6 for t in items):
        raise UsageError(f"{option} must be comma-separated non-negative integers, got {text!r}")
    return [int(t) for t in items]


def _demo(args: argparse.Namespace) -> int:
    if not 1 <= args.context <= min(MAX_CONTEXT, 256):
        raise UsageError(f"--context must be in 1..256 for the demo, got {args.context}")
    if not 1 <= args.tokens <= 26:
        raise UsageError(f"--tokens must be in 1..26, got {args.tokens}")
    if not 0.0 <= args.mask_fraction <= 1.0:
        raise UsageError(f"--mask-fraction must be in [0, 1], got {args.mask_fraction}")
    vocab = example_vocab(args.tokens)
    program = random_mdm_program(vocab, args.context, args.seed, order=args.order)
    rng = np.random.default_rng(args.seed)
    x0 = random_initial_canvas(vocab, args.context, rng, mask_fraction=args.mask_fraction)
    return _report(program, vocab, x0, args)


def _prefix_sum(args: argparse.Namespace) -> int:
    values = _int_list(args.input, "--input")
    n = len(values)
    if n > 16 or max(values) > 9:
        raise UsageError("--input takes at most 16 values, each in 0..9")
    order = list(range(n - 1, -1, -1)) if args.order is None else _int_list(args.order, "--order")
    vocab = IntVocab(0, 9 * n)
    program = prefix_sum_mdm_program(n, order, vocab)
    x0 = np.array(values + [vocab.mask_id] * n, dtype=np.int64)
    return _report(program, vocab, x0, args)


def _report(program: Program, vocab: BaseVocab, x0: np.ndarray, args: argparse.Namespace) -> int:
    result = simulate(program, vocab, x0, readout=not args.no_readout)
    summary = {"program": program.name, **result.summary(),
               "mdm_final": vocab.render(result.mdm_final),
               "masked_arm_final": vocab.render(result.masked_arm_final)}
    if args.json or args.html or args.backend != "interpreter" or args.max_steps is not None:
        # The shared report of the Masked-ARM's own run; the comparison with the MDM in extra.
        thm = Theorem3(result.machine, x0)
        report = thm.run(**run_kwargs(args))
        report.output = vocab.render(np.asarray(report.output))
        report.extra.update(summary)
        views = explain = None
        if args.html and report.trace is not None:
            views = [vocab.render(np.asarray(thm.decode_state(c)))
                     for c in report.trace.canvases]
            explain = program_explainer(thm.program, report.trace)  # the viewer's "why"
        if args.json:
            emit_report(args, report, views=views, explain=explain)
            return 0 if result.same_final and result.lockstep_ok else 1
        emit_report(args, report, text=lambda r: "", views=views, explain=explain)
    if not args.json:
        for title, trace in (("MDM (any order, one token per step)", result.mdm),
                             ("Masked-ARM (leftmost mask, one per step)", result.masked_arm)):
            print(f"== {title}")
            if args.show:
                render_trace(trace)
            else:
                print(trace_to_text(trace))
        if args.dump:
            print(result.machine.program.dump())
        print("== Theorem 3")
        for key, value in summary.items():
            print(f"  {key:<22} {value}")
    return 0 if result.same_final and result.lockstep_ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _demo(args) if args.command == "demo" else _prefix_sum(args)


if __name__ == "__main__":
    sys.exit(run_main(main))
