"""Client of :mod:`tests.robustness.forkserver`: run a CLI under a time and address-space cap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The issue's cap: every command must live within an 8 GB address space.
ADDRESS_SPACE = 8 * 1024**3


@dataclass(frozen=True)
class Result:
    rc: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    max_rss_bytes: int
    timed_out: bool

    def describe(self) -> str:
        return (f"rc={self.rc} timed_out={self.timed_out} seconds={self.seconds:.2f} "
                f"cpu={self.cpu_seconds:.2f} max_rss={self.max_rss_bytes >> 20} MiB\n"
                f"--- stdout\n{self.stdout[-2000:]}\n--- stderr\n{self.stderr[-4000:]}")


def cli_modules() -> list[str]:
    """Every command line of the project: each package under simulators/ and constructions/
    with a ``__main__.py`` (found on disk, so a new CLI is fuzzed without editing the tests)."""
    found = []
    for top in ("simulators", "constructions"):
        for main in sorted((ROOT / top).glob("*/__main__.py")):
            found.append(f"{top}.{main.parent.name}")
    return found


class Runner:
    """One fork server for the session; :meth:`run` is ``python -m module *argv``."""

    def __init__(self, modules: list[str]) -> None:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                   MKL_NUM_THREADS="1", PYTHONHASHSEED="0")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.robustness.forkserver", *modules], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline()
        if not ready:
            raise RuntimeError("the fork server did not start")

    def describe(self, module: str) -> dict:
        """The module's argparse tree: ``{"options", "positionals", "commands": {name: ...}}``."""
        res = self.run(module, timeout=60, introspect=True)
        if res.rc != 0:
            raise RuntimeError(f"cannot describe {module}: {res.describe()}")
        return json.loads(res.stdout)

    def run(self, module: str, *argv: str, timeout: float = 30.0,
            address_space: int = ADDRESS_SPACE, introspect: bool = False,
            cwd: str | None = None) -> Result:
        """``python -m module *argv`` in directory ``cwd`` (default: the repository root)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        request = {"module": module, "argv": list(argv), "timeout": timeout,
                   "address_space": address_space, "introspect": introspect, "cwd": cwd}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return Result(**json.loads(self.proc.stdout.readline()))

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
