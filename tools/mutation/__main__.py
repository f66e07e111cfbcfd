"""``python -m tools.mutation``: check the catalogue, run the mutants, write the results."""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
from pathlib import Path

from tools.mutation.apply import AnchorError, check_catalogue
from tools.mutation.catalogue import CATALOGUE
from tools.mutation.report import render
from tools.mutation.runner import make_scratch, merge, run_catalogue

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__)
    ap.add_argument("--check", action="store_true", help="only check that every mutant applies")
    ap.add_argument("--render", action="store_true",
                    help="only rewrite the docs table from the results JSON (no runs)")
    ap.add_argument("--only", nargs="+", metavar="ID", help="run only these mutants")
    ap.add_argument("--source", choices=("head", "worktree"), default="head",
                    help="what the scratch copy is made of (default: the committed HEAD)")
    ap.add_argument("--seed", type=int, default=20261129, help="--hypothesis-seed for every run")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per mutant")
    ap.add_argument("--skip-baseline", action="store_true",
                    help="with --only: skip the unmutated run (trying mutants only)")
    ap.add_argument("--update", action="store_true",
                    help="with --only and --source head: re-run these mutants and merge their rows "
                         "into the existing results (recorded under provenance.reruns)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs/results/mutation.json")
    ap.add_argument("--doc", type=Path, default=ROOT / "docs/mutation.md")
    args = ap.parse_args(argv)
    # A terminated run still removes its scratch copy (the `finally` blocks run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))
    if args.render:
        args.doc.write_text(render(json.loads(args.out.read_text(encoding="utf-8"))),
                            encoding="utf-8")
        print(f"wrote {args.doc}")
        return 0
    if args.check:  # against the tree the run would use: HEAD, or the working tree
        tree = make_scratch(ROOT, "head") if args.source == "head" else ROOT
        try:
            check_catalogue(tree, CATALOGUE)
        except AnchorError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        finally:
            if tree != ROOT:
                shutil.rmtree(tree, ignore_errors=True)
        print(f"all {len(CATALOGUE)} mutants apply cleanly to {args.source}")
        return 0
    mutants = CATALOGUE
    if args.only:
        unknown = set(args.only) - {m.id for m in CATALOGUE}
        if unknown:
            print(f"error: unknown mutant id(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        mutants = tuple(m for m in CATALOGUE if m.id in args.only)
    try:
        doc = run_catalogue(ROOT, mutants, source=args.source, seed=args.seed,
                            timeout=args.timeout, log=lambda s: print(s, flush=True),
                            baseline=not (args.skip_baseline and args.only))
    except (RuntimeError, AnchorError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2 if isinstance(err, AnchorError) else 3
    if args.only and args.update and args.source == "head" and not args.skip_baseline:
        old = json.loads(args.out.read_text(encoding="utf-8"))
        doc = merge(old, doc, [m.id for m in CATALOGUE])
    elif args.only:  # a trial run (worktree, no baseline, ...) never overwrites the results
        print(json.dumps(doc, indent=1))
        return 0
    args.out.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    args.doc.write_text(render(doc), encoding="utf-8")
    print(f"{doc['killed']}/{doc['total']} killed; wrote {args.out} and {args.doc}")
    if doc["survived"]:
        print(f"error: surviving mutants: {', '.join(doc['survived'])}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
