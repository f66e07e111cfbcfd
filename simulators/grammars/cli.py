"""``python -m simulators.grammars {check,count,sample,enumerate,near-miss} --language L --k K``.

* ``check WORD ... | --file F``  membership of each word (exit 0 if all are members, 1 if not);
* ``count --max-length L``       numbers of members of every even length up to L (``--length N``
  for one length); ``--json`` prints ``{"counts": {"0": 1, "2": ..., ...}}``;
* ``sample --length N [--num M] [--seed S]``  uniformly random members;
* ``enumerate --length N``       every member of that length (guarded by ``--max-words``);
* ``near-miss WORD [--num M] [--seed S]``     non-members one or two edits away from WORD.

Words are written with the names of :mod:`simulators.grammars.alphabet` (``a1 A1`` two-sided;
``([])`` or ``(1 )1`` one-sided); ``ε`` or the empty string is the empty word.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from simulators.cli_support import run_main
from simulators.errors import UsageError
from simulators.grammars.alphabet import LANGUAGES
from simulators.grammars.counting import DEFAULT_MAX_COUNT_LENGTH
from simulators.grammars.enumeration import DEFAULT_MAX_WORDS
from simulators.grammars.language import DyckLanguage


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulators.grammars",
        description="One- and two-sided Dyck-k: membership, counts, uniform samples, enumeration.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--language", choices=LANGUAGES, default="two-sided-dyck")
        p.add_argument("--k", type=int, default=2, help="number of bracket types / generators")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    check = sub.add_parser("check", help="membership of words")
    common(check)
    check.add_argument("words", nargs="*", help="words, e.g. 'a1 a2 A2 A1' or '([])'")
    check.add_argument("--file", type=Path, help="a file with one word per line")

    count = sub.add_parser("count", help="number of members of each even length")
    common(count)
    count.add_argument("--max-length", type=int, help="all even lengths 0..L")
    count.add_argument("--length", type=int, help="one length only")
    count.add_argument("--limit", type=int, default=DEFAULT_MAX_COUNT_LENGTH)

    sample = sub.add_parser("sample", help="uniformly random members")
    common(sample)
    sample.add_argument("--length", type=int, required=True)
    sample.add_argument("--num", type=int, default=1)
    sample.add_argument("--seed", type=int, default=0)

    enum = sub.add_parser("enumerate", help="every member of a length")
    common(enum)
    enum.add_argument("--length", type=int, required=True)
    enum.add_argument("--max-words", type=int, default=DEFAULT_MAX_WORDS)

    near = sub.add_parser("near-miss", help="non-members one or two edits away from a member")
    common(near)
    near.add_argument("word")
    near.add_argument("--num", type=int, default=10)
    near.add_argument("--seed", type=int, default=0)
    return parser


def _emit(args: argparse.Namespace, payload: dict, lines: list[str]) -> None:
    if args.json:
        print(json.dumps(payload))
    else:
        print("\n".join(lines))


def _check(args: argparse.Namespace, lang: DyckLanguage) -> int:
    items: list[tuple[str, str, int]] = [(w, "<arg>", i + 1) for i, w in enumerate(args.words)]
    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot read {args.file}: {err.strerror}") from None
        items += [(line, str(args.file), i + 1) for i, line in enumerate(text.splitlines())]
    if not items:
        raise UsageError("check needs at least one word (or --file)")
    results = []
    for text, file, line in items:
        word = lang.parse(text, file=file, line=line)
        reduced = lang.reduce(word)
        results.append({"word": lang.render(word), "member": reduced.size == 0,
                        "reduced": lang.render(reduced)})
    lines = [
        f"{r['word']}: "
        + ("member" if r["member"] else f"not a member (reduces to {r['reduced']})")
        for r in results
    ]
    _emit(args, {"results": results}, lines)
    return 0 if all(r["member"] for r in results) else 1


def _count(args: argparse.Namespace, lang: DyckLanguage) -> int:
    if (args.max_length is None) == (args.length is None):
        raise UsageError("count needs exactly one of --max-length L or --length N")
    if args.length is not None:
        table = {args.length: lang.count(args.length, limit=args.limit)}
    else:
        table = lang.counts(args.max_length, limit=args.limit)
    lines = [f"{length:>8}  {value}" for length, value in table.items()]
    _emit(args, {"counts": {str(n): c for n, c in table.items()}}, lines)
    return 0


def _sample(args: argparse.Namespace, lang: DyckLanguage) -> int:
    rng = np.random.default_rng(args.seed)
    words = lang.sample_many(args.length, rng, args.num)
    rendered = [lang.render(w) for w in words]
    _emit(args, {"samples": rendered, "ids": words.tolist()}, rendered)
    return 0


def _enumerate(args: argparse.Namespace, lang: DyckLanguage) -> int:
    words = lang.enumerate(args.length, max_words=args.max_words)
    rendered = [lang.render(w) for w in words]
    _emit(args, {"length": args.length, "count": len(rendered), "words": rendered}, rendered)
    return 0


def _near_miss(args: argparse.Namespace, lang: DyckLanguage) -> int:
    word = lang.parse(args.word, file="<arg>")
    misses = lang.near_misses(word, np.random.default_rng(args.seed), num=args.num)
    rendered = [lang.render(w) for w in misses]
    _emit(args, {"word": lang.render(word), "near_misses": rendered}, rendered)
    return 0


_COMMANDS = {
    "check": _check,
    "count": _count,
    "sample": _sample,
    "enumerate": _enumerate,
    "near-miss": _near_miss,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # counts of long words have more digits than Python's default int->str guard (4300) allows;
    # we only ever print integers we computed ourselves, never parse untrusted digit strings.
    sys.set_int_max_str_digits(0)
    lang = DyckLanguage(args.language, k=args.k)
    return _COMMANDS[args.command](args, lang)


def entry(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
