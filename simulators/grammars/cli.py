"""``python -m simulators.grammars {check,count,sample,enumerate,near-miss} --language L --k K``.

* ``check WORD ... | --file F``  membership of each word (exit 0 if all are members, 1 if not);
* ``count --max-length L``       numbers of members of every even length up to L (``--length N``
  for one length); ``--json`` prints ``{"counts": {"0": 1, "2": ..., ...}}``; the printed size is
  estimated first and refused over ``--max-output-bytes`` (16 MiB on stdout; ``--output FILE``
  writes to a file instead, up to 256 MiB by default);
* ``sample --length N [--num M] [--seed S]``  uniformly random members;
* ``enumerate --length N``       every member of that length (guarded by ``--max-words``);
* ``near-miss WORD [--num M] [--seed S]``     non-members one or two edits away from WORD.

Words are written with the names of :mod:`simulators.grammars.alphabet` (``a1 A1`` two-sided;
``([])`` or ``(1 )1`` one-sided); ``ε`` or the empty string is the empty word.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from simulators.cli_support import (
    ArgumentParser,
    Progress,
    add_progress_argument,
    format_bytes,
    int_arg,
    output_path_arg,
    read_text_file,
    run_main,
    seed_arg,
)
from simulators.errors import LimitExceeded, UsageError
from simulators.grammars.alphabet import LANGUAGES, MAX_K
from simulators.grammars.counting import DEFAULT_MAX_COUNT_LENGTH
from simulators.grammars.enumeration import DEFAULT_MAX_WORDS
from simulators.grammars.language import DyckLanguage
from simulators.grammars.sampling import DEFAULT_MAX_SAMPLE_LENGTH, DEFAULT_MAX_SAMPLES

#: ``count``'s largest printed output on stdout / written with ``--output`` (bytes, estimated
#: before anything is computed; ``--max-output-bytes`` raises it).
MAX_COUNT_STDOUT_BYTES = 16 * 1024 * 1024
MAX_COUNT_FILE_BYTES = 256 * 1024 * 1024
#: Largest word file ``check --file`` reads.
MAX_WORD_FILE_BYTES = 64 * 1024 * 1024
MAX_NEAR_MISSES = 100_000


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="python -m simulators.grammars",
        description="One- and two-sided Dyck-k: membership, counts, uniform samples, enumeration.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--language", choices=LANGUAGES, default="two-sided-dyck")
        p.add_argument("--k", type=int_arg(1, MAX_K), default=2,
                       help=f"number of bracket types / generators (1..{MAX_K})")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    check = sub.add_parser("check", help="membership of words")
    common(check)
    check.add_argument("words", nargs="*", help="words, e.g. 'a1 a2 A2 A1' or '([])'")
    check.add_argument("--file", type=Path,
                       help=f"a UTF-8 file with one word per line (at most "
                            f"{format_bytes(MAX_WORD_FILE_BYTES)})")

    count = sub.add_parser("count", help="number of members of each even length")
    common(count)
    count.add_argument("--max-length", type=int_arg(0), help="all even lengths 0..L")
    count.add_argument("--length", type=int_arg(0), help="one length only")
    count.add_argument("--limit", type=int_arg(0), default=DEFAULT_MAX_COUNT_LENGTH,
                       help=f"largest length computed (default {DEFAULT_MAX_COUNT_LENGTH})")
    count.add_argument("--output", type=output_path_arg, metavar="FILE",
                       help="write the table to FILE instead of stdout (for large tables)")
    count.add_argument("--max-output-bytes", type=int_arg(1),
                       help=f"largest output (default {format_bytes(MAX_COUNT_STDOUT_BYTES)} on "
                            f"stdout, {format_bytes(MAX_COUNT_FILE_BYTES)} with --output)")
    add_progress_argument(count)

    sample = sub.add_parser("sample", help="uniformly random members")
    common(sample)
    sample.add_argument("--length", type=int_arg(0, DEFAULT_MAX_SAMPLE_LENGTH), required=True,
                        help=f"an even length (0..{DEFAULT_MAX_SAMPLE_LENGTH})")
    sample.add_argument("--num", type=int_arg(1, DEFAULT_MAX_SAMPLES), default=1)
    sample.add_argument("--seed", type=seed_arg, default=0)
    add_progress_argument(sample)

    enum = sub.add_parser("enumerate", help="every member of a length")
    common(enum)
    enum.add_argument("--length", type=int_arg(0), required=True)
    enum.add_argument("--max-words", type=int_arg(1), default=DEFAULT_MAX_WORDS)

    near = sub.add_parser("near-miss", help="non-members one or two edits away from a member")
    common(near)
    near.add_argument("word")
    near.add_argument("--num", type=int_arg(1, MAX_NEAR_MISSES), default=10)
    near.add_argument("--seed", type=seed_arg, default=0)
    return parser


def _emit(args: argparse.Namespace, payload: dict, lines: list[str]) -> None:
    if args.json:
        print(json.dumps(payload))
    else:
        print("\n".join(lines))


def _check(args: argparse.Namespace, lang: DyckLanguage) -> int:
    items: list[tuple[str, str, int]] = [(w, "<arg>", i + 1) for i, w in enumerate(args.words)]
    if args.file is not None:
        text = read_text_file(args.file, what="--file", max_bytes=MAX_WORD_FILE_BYTES)
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


def count_output_bytes(lang: DyckLanguage, lengths: range) -> int:
    """An upper bound on the printed size of the counts of ``lengths``: a member count at length
    ``2n`` is below ``(2k)^(2n)`` (two-sided: all words) or ``4^n k^n`` (one-sided: Catalan times
    types), so it has at most ``n·log10(base) + 1`` digits; plus 16 bytes of layout per row."""
    base = (2 * lang.k) ** 2 if lang.two_sided else 4 * lang.k
    per_half = math.log10(base)
    return sum(int((n // 2) * per_half) + 1 + 16 for n in lengths if n % 2 == 0)


def _count(args: argparse.Namespace, lang: DyckLanguage) -> int:
    if (args.max_length is None) == (args.length is None):
        raise UsageError("count needs exactly one of --max-length L or --length N")
    lengths = (range(args.length, args.length + 1) if args.length is not None
               else range(0, args.max_length + 1))
    cap = args.max_output_bytes or (MAX_COUNT_FILE_BYTES if args.output else
                                    MAX_COUNT_STDOUT_BYTES)
    estimate = count_output_bytes(lang, lengths)
    if estimate > cap:
        hint = ("raise --max-output-bytes" if args.output else
                "write it to a file with --output FILE, or raise --max-output-bytes")
        raise LimitExceeded(f"the counts would print up to {format_bytes(estimate)}, over the "
                            f"limit of {format_bytes(cap)}; {hint}")
    if args.length is not None:
        table = {args.length: lang.count(args.length, limit=args.limit)}
    else:
        table = lang.counts(args.max_length, limit=args.limit)
    out = sys.stdout if args.output is None else _open_output(args.output)
    try:
        progress = Progress("count: lengths written", len(table), enabled=args.progress)
        if args.json:
            out.write('{"counts": {')
            for i, (length, value) in enumerate(table.items()):
                out.write(f'{", " if i else ""}"{length}": {value}')
                progress.update(i + 1)
            out.write("}}\n")
        else:
            for i, (length, value) in enumerate(table.items()):
                out.write(f"{length:>8}  {value}\n")
                progress.update(i + 1)
        progress.done()
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def _open_output(path: str):  # type: ignore[no-untyped-def]
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as err:
        raise UsageError(f"--output: cannot write {path}: {err.strerror or err}") from None


def _sample(args: argparse.Namespace, lang: DyckLanguage) -> int:
    if args.length % 2:
        raise UsageError(f"--length must be even (members have even length), got {args.length}")
    rng = np.random.default_rng(args.seed)
    progress = Progress("sample: words drawn", args.num, enabled=args.progress)
    words = lang.sample_many(args.length, rng, args.num, on_progress=progress.update)
    progress.done()
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
    # we only ever print integers we computed ourselves, never parse untrusted digit strings
    # (user integers go through simulators.cli_support.parse_int, which bounds their digits).
    sys.set_int_max_str_digits(0)
    lang = DyckLanguage(args.language, k=args.k)
    return _COMMANDS[args.command](args, lang)


def entry(argv: Sequence[str] | None = None) -> int:
    return run_main(main, argv)
