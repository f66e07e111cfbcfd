"""``python -m examples.course list`` | ``python -m examples.course check LESSON EXERCISE FILE``.

Exit 0: the answer is accepted; 1: rejected (the reason is printed); 2: bad usage or an
unreadable file; 3: a runtime fault while checking. Never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence

from examples.course.exercises import EXERCISES, find
from simulators.cli_support import ArgumentParser, run_main


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m examples.course",
                            description="Check the course's exercises (docs/course/).")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every lesson's exercises")
    check = sub.add_parser("check", help="check an answer file")
    check.add_argument("lesson", help="lesson number, e.g. 1")
    check.add_argument("exercise", help="exercise name, e.g. prefix-max")
    check.add_argument("file", help="your answer")
    args = parser.parse_args(argv)
    if args.command == "list":
        for ex in EXERCISES:
            print(f"lesson {ex.lesson}  {ex.name:<16} {ex.title}")
        return 0
    ex = find(args.lesson, args.exercise)
    verdict = ex.check(args.file)
    if verdict.ok:
        print(f"accepted: {verdict.message}")
        return 0
    print(f"not yet: {verdict.message}")
    return 1


if __name__ == "__main__":
    raise SystemExit(run_main(main))
