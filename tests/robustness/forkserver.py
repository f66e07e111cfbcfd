"""A fork server that runs ``python -m MODULE ARGS...`` many times cheaply, each run isolated.

Started once per test session (``python -m tests.robustness.forkserver MODULE...``): it imports
every CLI module up front, then for each request read from stdin (one JSON line
``{"module", "argv", "timeout", "address_space"}``) it forks a child that

* caps its address space with ``resource.setrlimit(RLIMIT_AS)`` (the issue's 8 GB cap),
* writes stdout / stderr to temporary files,
* runs the module exactly as ``python -m`` does (``runpy.run_module(..., run_name="__main__")``),
  so an uncaught exception prints a real Python traceback and exits 1,

and answers one JSON line ``{"rc", "stdout", "stderr", "seconds", "cpu_seconds",
"max_rss_bytes", "timed_out"}`` (CPU time and peak memory of the child from ``wait4``). A child that
outlives its timeout is killed (rc -9, ``timed_out``). Forking from a warm process makes a run
cost milliseconds instead of the ~0.5 s of a fresh interpreter, which is what lets hypothesis
try hundreds of command lines in the default test run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import resource
import runpy
import signal
import sys
import tempfile
import time
import traceback

#: Bytes of stdout / stderr sent back per run (the rest is dropped; tests look at the head).
MAX_OUTPUT = 64 * 1024


def _describe(parser: argparse.ArgumentParser) -> dict:
    """A parser's options, positionals and sub-commands as JSON (what the fuzzer draws from)."""
    options, positionals, commands = [], [], {}
    for action in parser._actions:  # argparse has no public API for this
        if isinstance(action, argparse._SubParsersAction):
            commands = {name: _describe(sub) for name, sub in action.choices.items()}
        elif isinstance(action, argparse._HelpAction):
            continue
        elif action.option_strings:
            options.append({"flag": action.option_strings[-1], "takes_value": action.nargs != 0,
                            "choices": [str(c) for c in action.choices or []]})
        else:
            positionals.append({"name": action.dest, "nargs": action.nargs,
                                "choices": [str(c) for c in action.choices or []]})
    return {"options": options, "positionals": positionals, "commands": commands}


def _patch_argparse_to_describe() -> None:
    """Make the CLI's first parse print its parser's description and stop (exit 0)."""

    def describe_and_stop(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(json.dumps(_describe(self)))
        sys.stdout.flush()
        os._exit(0)

    argparse.ArgumentParser.parse_known_args = describe_and_stop  # type: ignore[assignment]


def _child(module: str, argv: list[str], address_space: int, out_path: str,
           err_path: str, introspect: bool, cwd: str) -> None:
    os.setpgid(0, 0)
    code = 1
    try:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        out = os.open(out_path, os.O_WRONLY | os.O_TRUNC)
        err = os.open(err_path, os.O_WRONLY | os.O_TRUNC)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - replaced for the child's lifetime
        os.chdir(cwd)  # relative paths a fuzzed command writes (--output x) land here
        sys.argv = [module, *argv]
        if introspect:
            _patch_argparse_to_describe()
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as stop:
            if stop.code is None:
                code = 0
            elif isinstance(stop.code, int):
                code = stop.code
            else:
                print(stop.code, file=sys.stderr)
                code = 1
        except BaseException:  # noqa: BLE001 - exactly what `python -m` would print
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code & 0xFF)


def _run(request: dict) -> dict:
    module, argv = request["module"], list(request["argv"])
    introspect = bool(request.get("introspect", False))
    cwd = str(request.get("cwd") or os.getcwd())
    timeout, space = float(request["timeout"]), int(request["address_space"])
    with tempfile.NamedTemporaryFile(delete=False) as fo, \
            tempfile.NamedTemporaryFile(delete=False) as fe:
        out_path, err_path = fo.name, fe.name
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(module, argv, space, out_path, err_path, introspect, cwd)
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > timeout:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.005)
    cpu = usage.ru_utime + usage.ru_stime
    seconds = time.monotonic() - start
    rc = os.waitstatus_to_exitcode(status)
    outputs = []
    for path in (out_path, err_path):
        with open(path, "rb") as fh:
            outputs.append(fh.read(MAX_OUTPUT).decode("utf-8", "replace"))
        os.unlink(path)
    return {"rc": rc, "stdout": outputs[0], "stderr": outputs[1], "seconds": seconds,
            "cpu_seconds": cpu, "max_rss_bytes": usage.ru_maxrss * 1024, "timed_out": timed_out}


def main() -> None:
    sys.path.insert(0, os.getcwd())  # the repository root (the runner starts us there)
    for module in sys.argv[1:]:
        # the package and its cli module (never __main__, which would run the command), so
        # that forked children start warm; a module that fails to import is left to the child,
        # whose traceback then fails that CLI's tests (not every test of the session)
        for name in (module, f"{module}.cli"):
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        reply = _run(json.loads(line))
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
