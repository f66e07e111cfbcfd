"""``python -m constructions.masked_arm demo``: watch an any-order MDM re-run as a Masked-ARM.

Draws a random one-token-per-step MDM program (see :mod:`.example_policies`), runs it as an MDM
and through the Theorem 3 wrapper as a Masked-ARM, prints both traces and the figures the theorem
reports (extra depth, extra context). Exit status 0 when the two final canvases agree, 1 when not,
2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import numpy as np

from constructions.masked_arm.example_policies import (
    ORDERS,
    example_vocab,
    random_initial_canvas,
    random_mdm_program,
)
from constructions.masked_arm.layout import MAX_CONTEXT
from constructions.masked_arm.simulate import simulate
from simulators.cli_support import run_main
from simulators.errors import UsageError
from simulators.processes import render_trace, trace_to_text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors go through the project's errors
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m constructions.masked_arm", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="random MDM program vs its Masked-ARM")
    d.add_argument("--seed", type=int, default=0, help="program and canvas seed (default 0)")
    d.add_argument("--context", type=int, default=8, help="MDM context length S (default 8)")
    d.add_argument("--tokens", type=int, default=3, help="plain tokens in the vocabulary")
    d.add_argument("--order", choices=ORDERS, default="random", help="the MDM's fill order")
    d.add_argument("--mask-fraction", type=float, default=0.75,
                   help="fraction of the initial canvas that is masked (default 0.75)")
    d.add_argument("--no-readout", action="store_true", help="omit the read-out region")
    d.add_argument("--json", action="store_true", help="print the summary as JSON")
    d.add_argument("--show", action="store_true", help="render both traces with rich")
    d.add_argument("--dump", action="store_true", help="also list the Masked-ARM program")
    return p


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
    result = simulate(program, vocab, x0, readout=not args.no_readout)
    summary = {"program": program.name, **result.summary(),
               "mdm_final": vocab.render(result.mdm_final),
               "masked_arm_final": vocab.render(result.masked_arm_final)}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
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
    return _demo(args)


if __name__ == "__main__":
    sys.exit(run_main(main))
