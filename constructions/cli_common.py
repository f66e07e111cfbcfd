"""Options and output shared by every construction CLI (docs/interfaces.md, "Constructions").

Each construction CLI calls :func:`add_run_options` on its ``run`` parser, builds its
:class:`~constructions.interface.Construction`, calls ``construction.run(**run_kwargs(args))`` and
hands the :class:`~constructions.interface.RunReport` to :func:`emit_report`. So ``--json``,
``--max-steps``, ``--backend``, ``--device`` and ``--html`` mean the same thing everywhere and the
JSON has the same keys everywhere.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any

from constructions.interface import BACKENDS, RunReport
from simulators.cli_support import Progress, add_progress_argument, output_path_arg
from simulators.errors import UsageError
from simulators.processes.recorder import set_step_observer

DEVICES = ("cpu", "cuda")


def _positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (argparse turns the ValueError into a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def add_run_options(parser: argparse.ArgumentParser, *,
                    default_max_steps: int | None = None) -> None:
    """Add ``--json``, ``--max-steps``, ``--backend``, ``--device``, ``--html`` and ``--progress``
    to ``parser``.

    ``default_max_steps``: the construction's safe default (``None``: the construction's own bound,
    e.g. Theorem 1's canvas length, which its decoding can never exceed).
    """
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    default_text = "the construction's own bound" if default_max_steps is None \
        else str(default_max_steps)
    parser.add_argument("--max-steps", type=_positive_int, default=default_max_steps,
                        metavar="N",
                        help=f"stop with exit 3 after N decoding steps (default {default_text})")
    parser.add_argument("--backend", choices=BACKENDS, default="interpreter",
                        help="evaluate the step network with the encoder-program interpreter "
                             "(default) or as compiled torch weights")
    parser.add_argument("--device", choices=DEVICES, default="cpu",
                        help="torch device of the weights backend (default cpu)")
    parser.add_argument("--html", metavar="PATH", default=None, type=output_path_arg,
                        help="also write a self-contained HTML trace viewer of the run to PATH")
    add_progress_argument(parser)


def run_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of ``Construction.run`` the common options ask for."""
    if args.device != "cpu" and args.backend != "weights":
        raise UsageError(f"--device {args.device} needs --backend weights "
                         "(the interpreter runs on the CPU)")
    progress = Progress("decoding steps", total=args.max_steps,
                        enabled=getattr(args, "progress", None))
    if progress.enabled:  # long runs say how far they are (stderr; silent for quick runs)
        set_step_observer(lambda steps, length: progress.update(steps))
    return {"max_steps": args.max_steps, "record_canvases": args.html is not None,
            "backend": args.backend, "device": args.device}


def write_html(report: RunReport, path: str, *, title: str | None = None,
               views: Sequence[Any] | None = None,
               explain: Callable[[int, int], dict[str, Any]] | None = None) -> None:
    """Write the trace viewer for ``report`` (the viewer module is imported only when asked)."""
    try:
        from simulators.processes.html import write_trace_html
    except ImportError:
        raise UsageError("--html: the HTML trace viewer (simulators.processes.html) is not "
                         "available in this installation") from None
    if report.trace is None or not report.trace.recorded:
        raise UsageError("--html needs a run made with record_canvases=True")
    write_trace_html(report.trace, path, title=title or report.construction, views=views,
                     explain=explain)


def emit_report(args: argparse.Namespace, report: RunReport, *,
                text: Callable[[RunReport], str] | None = None,
                views: Sequence[Any] | None = None,
                explain: Callable[[int, int], dict[str, Any]] | None = None,
                title: str | None = None,
                task_keys: Sequence[str] = ()) -> None:
    """Print ``report`` (``--json``: :meth:`RunReport.to_json`; otherwise ``text(report)``) and
    write the HTML viewer when ``--html PATH`` was given.

    ``task_keys``: names in ``report.output`` / ``report.extra`` that a task CLI also shows at the
    top level of its JSON (e.g. Sudoku's ``solution``), beside -- never instead of -- the common
    report keys, so every construction CLI still shares one schema.

    ``views``: one decoded view per recorded canvas (e.g. the PRAM state, the Dyck reduction);
    ``explain(step, position)``: named intermediate values shown when a cell is clicked.
    """
    if getattr(args, "html", None):
        write_html(report, args.html, title=title, views=views, explain=explain)
    if getattr(args, "json", False):
        print(json.dumps(report_json(report, task_keys), sort_keys=True))
    elif text is not None:
        out = text(report)
        if out:
            print(out)
    else:
        print(default_text(report))


def report_json(report: RunReport, task_keys: Sequence[str] = ()) -> dict[str, Any]:
    """The common report JSON plus each task key found in ``output`` or ``extra``."""
    data = report.to_json()
    for key in task_keys:
        if key in data:
            raise ValueError(f"task key {key!r} would shadow a common report key")
        for source in (report.output, report.extra):
            if isinstance(source, dict) and key in source:
                data[key] = source[key]
                break
    return data


def default_text(report: RunReport) -> str:
    """A two-line human summary: the output, then the measured numbers."""
    net = report.network
    return (f"output {report.output}\n"
            f"decoding steps {report.decoding_steps}, context length {report.context_length} "
            f"(initial {report.initial_length}, final {report.final_length}), halt {report.halt}, "
            f"network depth {net.get('depth')} ({net.get('attention_layers')} attention + "
            f"{net.get('mlp_layers')} MLP layers, {net.get('heads')} heads)")
