"""``python -m constructions.export_weights KIND ... --out PREFIX``: a construction's step network
as compiled weights (PREFIX.safetensors + PREFIX.json), runnable without this project.

Kinds: ``parity BITS``, ``theorem4 FILE --input A=..``, ``theorem5 --k K --target N`` (AP-MDM;
the plain-torch loop in docs/compiler.md runs these) and ``theorem1 FILE --input A=..`` (MDM:
its process fills the positions the ``fill`` head marks). The JSON's ``process`` block holds
the initial canvas, the mask id, the output names and a step limit; ``size`` the network's sizes.
Exit codes: 0 ok, 2 bad input, 3 runtime fault (e.g. out of memory).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from simulators.cli_support import ArgumentParser, int_arg, output_path_arg, run_main
from simulators.errors import UsageError
from simulators.pram.inputs import add_input_arguments, inputs_from_args


def _construction(args: Any) -> tuple[Any, dict[str, Any]]:
    if args.kind == "parity":
        from constructions.parity_apmdm.construction import Parity
        from constructions.parity_apmdm.process import parity_steps_bound

        if not args.bits or set(args.bits) - {"0", "1"}:
            raise UsageError(f"parity: BITS must be a string of 0s and 1s, got {args.bits!r}")
        con = Parity.from_bits([int(c) for c in args.bits])
        return con, {"kind": "apmdm", "max_steps": parity_steps_bound(len(args.bits))}
    if args.kind == "theorem5":
        from constructions.dyck_apmdm.construction import Theorem5
        from constructions.dyck_apmdm.process import DyckAPMDM

        con5 = Theorem5(DyckAPMDM(args.k, target_length=args.target))
        return con5, {"kind": "apmdm", "max_steps": con5.model.max_steps}
    from simulators.pram import load_program

    prog = load_program(args.file)
    inputs, params = inputs_from_args(args)
    if args.kind == "theorem4":
        from constructions.pram_apmdm.construction import DEFAULT_MAX_DECODING_STEPS, Theorem4

        return Theorem4.build(prog, inputs, params), {"kind": "apmdm",
                                                      "max_steps": DEFAULT_MAX_DECODING_STEPS}
    from constructions.pram_mdm.construction import Theorem1

    con1 = Theorem1.build(prog, inputs, params)
    return con1, {"kind": "mdm", "max_steps": int(con1.mdm.layout.S)}


def main(argv: Sequence[str] | None = None) -> int:
    ap = ArgumentParser(prog="python -m constructions.export_weights", description=__doc__)
    sub = ap.add_subparsers(dest="kind", required=True)
    p = sub.add_parser("parity", help="the parity AP-MDM for one bit string")
    p.add_argument("bits")
    p = sub.add_parser("theorem5", help="the Dyck-k AP-MDM")
    p.add_argument("--k", type=int_arg(1, 64), default=2)
    p.add_argument("--target", type=int_arg(0, 4096), default=16)
    for kind in ("theorem4", "theorem1"):
        p = sub.add_parser(kind, help=f"the {kind} construction of a .pram program")
        add_input_arguments(p)
    for p in sub.choices.values():
        p.add_argument("--out", required=True, type=output_path_arg,
                       help="PREFIX: writes PREFIX.safetensors and PREFIX.json")
        p.add_argument("--json", action="store_true", help="print the config as JSON")
    args = ap.parse_args(argv)
    from simulators.weights import compile_program
    from simulators.weights.export import export_network

    con, process = _construction(args)
    outputs = {"apmdm": ["y", "remask", "insert", "delete"], "mdm": ["token", "fill"]}
    process.update({"initial": [int(v) for v in con.initial_canvas()],
                    "mask": int(con.vocab.mask_id), "outputs": outputs[process["kind"]],
                    "construction": con.name})
    net = compile_program(con.program)
    cfg = export_network(net, args.out, process=process)
    if args.json:
        print(json.dumps(cfg["size"]))
    else:
        print(f"wrote {args.out}.safetensors and {args.out}.json "
              f"({cfg['size']['parameters']:,} dense parameters, d_model {cfg['d_model']})")
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
