"""Run every mutant's tests in a scratch copy of the repository and record what was killed.

Why a scratch copy: the working tree is shared and other runs read it; a planted bug must never
be visible outside the mutation run. The copy is either the committed ``HEAD`` (``git archive``;
what ``make mutation`` uses, so the result describes a commit) or the working tree's tracked and
untracked-but-not-ignored files (``--source worktree``, for trying new mutants).

A mutant counts as killed only by the *default* profile: no ``--run-slow``, no ``RUN_SLOW``,
``HYPOTHESIS_PROFILE=default``, and one fixed ``--hypothesis-seed`` recorded in the results (so
the run can be repeated exactly). Hypothesis' example database is deleted before every run, so
an example that killed one mutant is not replayed against the next.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.mutation.apply import apply_mutant, check_catalogue, restore
from tools.mutation.model import Mutant

_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


@dataclass(frozen=True)
class Verdict:
    """What one run of a mutant's tests showed."""

    killed: bool
    killed_by: str
    seconds: float
    exit_code: int


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def make_scratch(root: Path, source: str) -> Path:
    """A fresh copy of the repository (``head`` or ``worktree``) in a temporary folder."""
    scratch = Path(tempfile.mkdtemp(prefix="mutation-"))
    if source == "head":
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=root, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
    else:
        files = git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
        for name in filter(None, files.split("\0")):
            src = root / name
            if src.is_file():
                dst = scratch / name
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
    return scratch


def run_tests(scratch: Path, tests: Sequence[str], seed: int, timeout: float) -> Verdict:
    """``pytest -x`` on ``tests`` in ``scratch`` under the default profile and ``seed``."""
    shutil.rmtree(scratch / ".hypothesis", ignore_errors=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("RUN_SLOW", "HYPOTHESIS_PROFILE", "HYPOTHESIS_SEED", "PYTHONPATH")}
    env["HYPOTHESIS_PROFILE"] = "default"
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
           f"--hypothesis-seed={seed}", *tests]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return Verdict(True, f"timeout after {timeout:.0f} s (the suite's own timeout fails it)",
                       time.perf_counter() - start, -1)
    seconds = time.perf_counter() - start
    if proc.returncode == 0:
        return Verdict(False, "", seconds, 0)
    if proc.returncode == 5:
        raise RuntimeError(f"no tests collected for {tests}:\n{proc.stdout[-2000:]}")
    hits = _FAILED.findall(proc.stdout)
    who = hits[0] if hits else f"pytest exit {proc.returncode} (collection/import error)"
    return Verdict(True, who, seconds, proc.returncode)


def summarise(doc: dict[str, Any]) -> dict[str, Any]:
    """Recompute the totals of a results document from its rows."""
    rows = doc["mutants"]
    doc["killed"] = sum(bool(r["killed"]) for r in rows)
    doc["total"] = len(rows)
    doc["equivalent"] = sum(bool(r["equivalent"]) for r in rows)
    doc["survived"] = [r["id"] for r in rows if not r["killed"] and not r["equivalent"]]
    return doc


def merge(old: dict[str, Any], new: dict[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """``old`` with the rows of ``new`` replacing those of the same id (a partial re-run after
    tests were added); rows follow the catalogue ``order``; the re-run is recorded."""
    rows = {r["id"]: r for r in old["mutants"]}
    rows.update({r["id"]: r for r in new["mutants"]})
    merged = dict(old, mutants=[rows[i] for i in order if i in rows])
    prov = dict(old["provenance"])
    prov["reruns"] = [*prov.get("reruns", []),
                      {"ids": [r["id"] for r in new["mutants"]],
                       "git_commit": new["provenance"]["git_commit"],
                       "date_utc": new["provenance"]["date_utc"]}]
    merged["provenance"] = prov
    return summarise(merged)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("numpy", "hypothesis", "pytest", "torch"):
        try:
            mod = __import__(name)
            out[name] = str(getattr(mod, "__version__", "?"))
        except ImportError:
            out[name] = "not installed"
    return out


def run_catalogue(root: Path, mutants: Sequence[Mutant], *, source: str, seed: int,
                  timeout: float, log: Any = print, baseline: bool = True) -> dict[str, Any]:
    """Baseline, then every mutant; returns the results document (see docs/mutation.md).

    ``baseline=False`` skips the unmutated run (only for trying mutants: a kill then may be a
    test that fails anyway, so such results are never written to the docs)."""
    scratch = make_scratch(root, source)
    try:
        check_catalogue(scratch, mutants)
        union = sorted({t for m in mutants for t in m.tests})
        log(f"baseline: {len(union)} test paths, unmutated, seed {seed} ...")
        base = (run_tests(scratch, union, seed, timeout * 3) if baseline
                else Verdict(False, "baseline skipped", 0.0, 0))
        if base.killed:
            raise RuntimeError(f"the unmutated suite fails ({base.killed_by}); mutation results "
                               f"would mean nothing")
        log(f"baseline passed in {base.seconds:.0f} s")
        rows: list[dict[str, Any]] = []
        for k, m in enumerate(mutants, 1):
            original = apply_mutant(scratch, m)
            try:
                v = run_tests(scratch, m.tests, seed, timeout)
            finally:
                restore(scratch, m, original)
            status = "killed" if v.killed else ("equivalent" if m.equivalent else "SURVIVED")
            log(f"[{k}/{len(mutants)}] {m.id}: {status} ({v.seconds:.0f} s) {v.killed_by}")
            reason = (m.equivalent if m.equivalent and not v.killed else
                      f"killed by {v.killed_by}" if v.killed else
                      "survived: no default-suite test notices this bug")
            rows.append({"id": m.id, "target": m.target, "description": m.description,
                         "killed": v.killed, "equivalent": bool(m.equivalent) and not v.killed,
                         "reason": reason, "tests": list(m.tests),
                         "seconds": round(v.seconds, 1)})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    commit = git(root, "rev-parse", "HEAD").strip()
    for row in rows:
        row["commit"] = commit if source == "head" else "worktree"
    dirty = bool(git(root, "status", "--porcelain", "--untracked-files=no").strip())
    return summarise({
        "mutants": rows,
        "provenance": {
            "command": "make mutation  (= python -m tools.mutation)",
            "source": source if source == "worktree" else f"HEAD {commit}",
            "git_commit": commit,
            "worktree_dirty_when_run": dirty and source == "worktree",
            "hypothesis_profile": "default",
            "hypothesis_seed": seed,
            "baseline_seconds": round(base.seconds, 1),
            "versions": _versions(),
            "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "note": "seconds are wall time on a shared 2-core machine under load",
        },
    })
