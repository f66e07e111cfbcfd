"""Coverage-guided fuzzing of the two text front ends a user feeds files to (``make fuzz``).

* ``pram``:  ``.pram`` program text -> :func:`simulators.pram.compile_source`, and when it
  compiles, a run on small inputs with small limits (parser, compiler, binding, machine);
* ``trace``: trace JSON -> :func:`simulators.processes.trace_json.trace_from_json` and the plain
  rendering that ``python -m simulators.processes show --plain`` prints.

Any exception other than the project's own :class:`~simulators.errors.ProjectError` is a finding
(a traceback a user could see). With atheris installed (``pip install atheris``; libFuzzer with
Python coverage) the search is coverage-guided, seeded from examples/pram/*.pram and a recorded
trace; without it a fixed-budget random mutation loop of the same seeds runs instead. Findings are
written to ``--findings`` (default ``.fuzz/findings``); turn each into a regression test
(tests/robustness/). The last result is recorded in docs/robustness.md.

Usage: ``python tools/fuzz_frontends.py {pram,trace} [--seconds N] [--seed S]``;
exit 0 when nothing was found, 1 when a finding was written, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _pram_target() -> Callable[[str], None]:
    from simulators.errors import ProjectError
    from simulators.pram import compile_source, run

    def target(text: str) -> None:
        try:
            prog = compile_source(text, "fuzz.pram")
        except ProjectError:
            return
        for inputs in ({"A": [3, -1, 2]}, {}):
            with contextlib.suppress(ProjectError):
                run(prog, inputs, {}, max_steps=500, max_memory_cells=4096, max_processors=256)

    return target


def _trace_target() -> Callable[[str], None]:
    from simulators.errors import ProjectError
    from simulators.processes import trace_to_text
    from simulators.processes.trace_json import trace_from_json

    def target(text: str) -> None:
        try:
            trace = trace_from_json(text)
            trace_to_text(trace, max_steps=5, max_positions=40)
        except ProjectError:
            return

    return target


def _pram_seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples/pram").glob("*.pram"))]


def _trace_seeds() -> list[str]:
    from simulators.processes import IntVocab, MDMDecision, run_mdm

    vocab = IntVocab(0, 9, specials=("[M]",))

    def policy(canvas, rng=None):  # noqa: ANN001, ARG001 - fills the first mask with its index
        import numpy as np

        masked = np.flatnonzero(canvas == vocab.mask_id)
        tokens = np.full(canvas.size, vocab.mask_id, dtype=np.int64)
        fill = np.zeros(canvas.size, dtype=bool)
        if masked.size:
            tokens[masked[0]] = masked[0] % 10
            fill[masked[0]] = True
        return MDMDecision(tokens=tokens, fill=fill)

    import numpy as np

    trace = run_mdm(policy, np.full(4, vocab.mask_id, dtype=np.int64), vocab)
    return [trace.to_json()]


TARGETS = {"pram": (_pram_target, _pram_seeds), "trace": (_trace_target, _trace_seeds)}


def _record(findings: Path, name: str, text: str, err: BaseException) -> Path:
    findings.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    path = findings / f"{name}-{digest}.txt"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    (findings / f"{name}-{digest}.error").write_text(f"{type(err).__name__}: {err}\n")
    return path


def _mutate(text: str, rng: random.Random, seeds: list[str]) -> str:
    """One random edit: delete / duplicate / insert a slice, splice another seed, or flip chars."""
    ops = rng.randrange(5)
    n = len(text)
    i, j = sorted((rng.randrange(n + 1), rng.randrange(n + 1)))
    if ops == 0:
        return text[:i] + text[j:]
    if ops == 1:
        return text[:j] + text[i:j] * rng.randrange(1, 50) + text[j:]
    if ops == 2:
        other = rng.choice(seeds)
        k, m = sorted((rng.randrange(len(other) + 1), rng.randrange(len(other) + 1)))
        return text[:i] + other[k:m] + text[i:]
    if ops == 3:
        junk = "".join(rng.choice("()[]{}:=+-*/^<>,.#\n \t0123456789aAnxpidendbegin\x00ß~\"")
                       for _ in range(rng.randrange(1, 8)))
        return text[:i] + junk + text[i:]
    return text[:i] + str(rng.choice([10**19, -(2**63), 2**64, 0, -1, "9" * 30])) + text[j:]


class SlowInput(Exception):
    """An input that took longer than the per-input budget: a hang is a finding too."""


def _on_alarm(signum: int, frame: object) -> None:
    raise SlowInput(f"no answer within {PER_INPUT_SECONDS} s")


#: Per-input budget of the random loop (every front-end call should answer in well under this).
PER_INPUT_SECONDS = 10
#: Longest mutated input (the front ends refuse longer text; growth past it only costs time).
MAX_INPUT_CHARS = 50_000


def _random_loop(name: str, seconds: float, seed: int, findings: Path) -> int:
    target = TARGETS[name][0]()
    seeds = TARGETS[name][1]()
    rng = random.Random(seed)
    corpus = list(seeds)
    runs, found = 0, 0
    deadline = time.monotonic() + seconds
    signal.signal(signal.SIGALRM, _on_alarm)
    while time.monotonic() < deadline:
        text = rng.choice(corpus)
        for _ in range(rng.randrange(1, 4)):
            text = _mutate(text, rng, seeds)[:MAX_INPUT_CHARS]
        runs += 1
        signal.alarm(PER_INPUT_SECONDS)
        try:
            target(text)
        except Exception as err:  # noqa: BLE001 - any non-project exception is a finding
            found += 1
            print(f"finding: {_record(findings, name, text, err)}", file=sys.stderr)
        else:
            if len(corpus) < 2000 and rng.random() < 0.05:
                corpus.append(text)
        finally:
            signal.alarm(0)
    print(f"{name}: random mutation, {runs} inputs in {seconds:.0f} s, {found} findings")
    return 1 if found else 0


def _atheris(name: str, seconds: float, seed: int, findings: Path) -> int:
    import atheris

    # coverage of the project's code and the lark parser (not numpy: too slow to instrument)
    with atheris.instrument_imports(include=["simulators", "lark"]):
        target = TARGETS[name][0]()
    corpus = Path(os.environ.get("FUZZ_CORPUS", ROOT / ".fuzz" / f"corpus-{name}"))
    corpus.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(TARGETS[name][1]()):
        (corpus / f"seed-{i}").write_text(text, encoding="utf-8")
    findings.mkdir(parents=True, exist_ok=True)

    def one_input(data: bytes) -> None:
        text = data.decode("utf-8", errors="replace")
        target(text)

    atheris.Setup([sys.argv[0], f"-max_total_time={int(seconds)}", f"-seed={seed}",
                   f"-artifact_prefix={findings}/{name}-", "-print_final_stats=1",
                   f"-timeout={PER_INPUT_SECONDS}",
                   "-max_len=8192", str(corpus)], one_input)
    atheris.Fuzz()  # exits the process: 0 when the budget ran out, non-zero on a finding
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Fuzz the .pram and trace JSON front ends.")
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--seconds", type=float, default=120.0, help="budget (default 120)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--findings", type=Path, default=ROOT / ".fuzz" / "findings")
    parser.add_argument("--no-atheris", action="store_true",
                        help="use the random mutation loop even when atheris is installed")
    args = parser.parse_args()
    if args.seconds <= 0 or args.seed < 0:
        parser.error("--seconds must be > 0 and --seed >= 0")
    try:
        import atheris  # noqa: F401
    except ImportError:
        args.no_atheris = True
    if args.no_atheris:
        return _random_loop(args.target, args.seconds, args.seed, args.findings)
    return _atheris(args.target, args.seconds, args.seed, args.findings)


if __name__ == "__main__":
    raise SystemExit(main())
