"""``python -m simulators.weights describe NAME [--param k=v ...] [--json]``: compile a library
encoder program (the names of ``python -m simulators.encoder list``) and print its network,
sublayer by sublayer, with the sizes. Exit 0 ok, 2 bad input, 3 runtime fault."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from simulators.cli_support import ArgumentParser, run_main
from simulators.encoder.cli import _parse_params, build
from simulators.weights.compiler import compile_program
from simulators.weights.network import Attention


def describe(net) -> str:  # noqa: ANN001 - a CompiledNetwork
    """One line per sublayer (heads with their query/key widths, MLP levels with widths)."""
    lines = [f"network of {net.program.name!r}: d_model={len(net.residual_names)}, "
             f"max_length={net.max_length}, gap (inverse temperature)={net.gap}"]
    for i, (kind, mods) in enumerate(net.stack):
        if kind == "attn":
            heads = ", ".join(f"{h.name}(d_head={h.wq.shape[0]})" for h in mods
                              if isinstance(h, Attention))
            lines.append(f"  {i}: attention, {len(mods)} head(s): {heads}")
        else:
            widths = [lv.width for lv in mods]
            lines.append(f"  {i}: MLP, {len(mods)} ReLU level(s), widths {widths}")
    size = net.size()
    lines.append("size: " + ", ".join(f"{k}={v}" for k, v in size.items()))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = ArgumentParser(prog="python -m simulators.weights", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("describe", help="compile a library program and list its network")
    p.add_argument("name")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    net = compile_program(build(args.name, _parse_params(args.param)))
    print(json.dumps(net.size()) if args.json else describe(net))
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
