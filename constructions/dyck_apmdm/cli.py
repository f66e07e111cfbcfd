"""``python -m constructions.dyck_apmdm {sample,support} --k K [--target-length L] [--seed S]``.

* ``sample``: run the AP-MDM from ``[BOS]`` (``--num`` runs; ``--target-length`` (even) is the
  length at which no new round starts -- a target, not a maximum: the round that crosses it may
  overshoot; ``--max-length`` is its deprecated alias; ``--insert-prob``) and print each output
  with a membership check (exit 1 if any output is not a member); ``--show`` prints the canvas
  after every step of the first run; ``--one-sided`` for one-sided Dyck-k; ``--unbounded`` for
  the mode without a target (adaptive insert coin, see
  :class:`~constructions.dyck_apmdm.process.DyckAPMDM`). ``--json`` prints the shared report of
  every construction CLI (docs/interfaces.md), one JSON object per line and per run;
  ``--max-steps``, ``--backend``, ``--device``, ``--html`` as everywhere.
* ``support``: explore every output up to ``--max-length`` and print how many distinct words of
  each even length it can produce, next to the grammar's count; ``--json`` prints
  ``{"counts": {"0": ..., "2": ..., ...}}``.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from constructions.cli_common import add_run_options, emit_report, run_kwargs
from constructions.dyck_apmdm.construction import Theorem5
from constructions.dyck_apmdm.process import DyckAPMDM
from constructions.dyck_apmdm.support import (
    DEFAULT_MAX_STATES,
    DEFAULT_MAX_SUPPORT_LENGTH,
    explore_support,
)
from constructions.dyck_apmdm.view import dyck_view
from constructions.interface import RunReport
from simulators.cli_support import (
    ArgumentParser,
    Progress,
    add_progress_argument,
    int_arg,
    probability_arg,
    run_main,
    seed_arg,
)
from simulators.errors import UsageError
from simulators.grammars import counts as grammar_counts
from simulators.grammars.alphabet import MAX_K
from simulators.processes.html import program_explainer
from simulators.processes.html.explain import replayed_rng

#: Largest --target-length / --max-length accepted (canvases grow with the word).
MAX_TARGET_LENGTH = 100_000


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="python -m constructions.dyck_apmdm",
        description="Theorem 5: an AP-MDM whose possible outputs are exactly Dyck-k.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("sample", "support"):
        p = sub.add_parser(name)
        p.add_argument("--k", type=int_arg(1, MAX_K), default=2, help=f"1..{MAX_K}")
        p.add_argument("--one-sided", action="store_true", help="generate one-sided Dyck-k")
        if name == "sample":
            # a *target*: no new round starts once the word reaches it, but the round that
            # crosses it may overshoot, so it is not a maximum (hence the name)
            p.add_argument("--target-length", type=int_arg(0, MAX_TARGET_LENGTH), default=None,
                           help="even target length: no new round of inserts starts once the "
                                "word is this long; outputs can be longer (default 16)")
            p.add_argument("--max-length", type=int_arg(0, MAX_TARGET_LENGTH), default=None,
                           help="deprecated alias of --target-length (it was never a maximum)")
        else:
            p.add_argument("--max-length", type=int_arg(0, MAX_TARGET_LENGTH), default=8,
                           help="longest output explored (a true maximum; default 8)")
        p.add_argument("--unbounded", action="store_true",
                       help="no target length and the adaptive insert coin ~1/(L+1): halts with "
                            "probability 1 and can output every member of any length")
    sample = sub.choices["sample"]
    add_run_options(sample)
    sample.add_argument("--seed", type=seed_arg, default=0)
    sample.add_argument("--num", type=int_arg(1, 100_000), default=1, help="runs (1..100000)")
    sample.add_argument("--insert-prob", type=probability_arg(), default=Fraction(1, 2),
                        help="in (0, 1), e.g. 0.3 or 1/3 (default 1/2)")
    sample.add_argument("--show", action="store_true", help="print the canvas of every step")
    support = sub.choices["support"]
    support.add_argument("--json", action="store_true",
                         help='print {"counts": {length: number of outputs}}')
    support.add_argument("--seed", type=seed_arg, default=0,
                         help="unused (exploration is exhaustive)")
    support.add_argument("--max-states", type=int_arg(1), default=DEFAULT_MAX_STATES,
                         help=f"state-graph size limit (default {DEFAULT_MAX_STATES}; memory is "
                              f"estimated before exploring)")
    support.add_argument("--max-support-length", type=int_arg(0),
                         default=DEFAULT_MAX_SUPPORT_LENGTH)
    add_progress_argument(support)
    return parser


def _target_length(args: argparse.Namespace) -> int:
    """``--target-length`` (or its deprecated alias ``--max-length``, with a note on stderr);
    odd targets are refused (members have even length)."""
    if args.max_length is not None:
        if args.target_length is not None:
            raise UsageError("give --target-length only (--max-length is its deprecated alias)")
        print("note: --max-length is deprecated for sample: it is a target length (outputs may "
              "be longer); use --target-length", file=sys.stderr)
        args.target_length = args.max_length
    target = 16 if args.target_length is None else args.target_length
    if target % 2:
        raise UsageError(f"--target-length must be even (members have even length), got "
                         f"{target}")
    return target


def _sample(args: argparse.Namespace) -> int:
    target = _target_length(args)
    if args.unbounded:
        model = DyckAPMDM(args.k, not args.one_sided, None, None)
    else:
        model = DyckAPMDM(args.k, not args.one_sided, target, args.insert_prob)
    thm = Theorem5(model)
    rng = np.random.default_rng(args.seed)
    kwargs = run_kwargs(args)
    members = []
    for i in range(args.num):
        first = i == 0
        kw = dict(kwargs, record_canvases=first and (args.show or kwargs["record_canvases"]))
        start = copy.deepcopy(rng.bit_generator.state) if first else None  # replayed by --html
        report = thm.run(**kw, rng=rng)
        if args.show and first and not args.json:
            assert report.trace is not None
            for step, canvas in enumerate(report.trace.canvases):
                print(f"step {step:>3}: {model.vocab.render(canvas)}")
        views, explain, trace = None, None, report.trace
        if first and args.html and trace is not None and start is not None:
            views = [thm.decode_state(c) | dyck_view(model.layout, c) for c in trace.canvases]
            explain = program_explainer(thm.program, trace, rng_for_step=replayed_rng(
                thm.policy(), trace, start))
        if not first:
            args.html = None  # the viewer shows the first run
        emit_report(args, report, text=_sample_text, views=views, explain=explain)
        members.append(report.extra["member"])
    return 0 if all(members) else 1


def _sample_text(report: RunReport) -> str:
    verdict = "member" if report.extra["member"] else "NOT A MEMBER"
    return (f"{report.output}  (length {report.extra['word_length']}, {report.decoding_steps} "
            f"steps, {report.halt}, {verdict})")


def _support(args: argparse.Namespace) -> int:
    if args.unbounded:
        model = DyckAPMDM(args.k, not args.one_sided, None, None)
    else:
        model = DyckAPMDM(args.k, not args.one_sided, max(args.max_length, 0))
    progress = Progress("support: states explored", args.max_states, enabled=args.progress)
    support = explore_support(model, args.max_length, max_states=args.max_states,
                              max_support_length=args.max_support_length,
                              on_progress=progress.update)
    progress.done()
    got = support.counts()
    if args.json:
        print(json.dumps({"counts": {str(n): c for n, c in got.items()}}))
        return 0
    expected = grammar_counts(args.k, args.max_length, two_sided=not args.one_sided)
    print(f"states explored: {support.graph.number_of_nodes()}, "
          f"transitions: {support.graph.number_of_edges()}")
    print(f"{'length':>6} {'outputs':>10} {'grammar':>10}")
    for n, c in got.items():
        mark = "" if c == expected[n] else "   MISMATCH"
        print(f"{n:>6} {c:>10} {expected[n]:>10}{mark}")
    return 0 if got == expected else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return _sample(args) if args.command == "sample" else _support(args)


def entry(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
