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


def _child(module: str, argv: list[str], address_space: int, out_path: str,
           err_path: str) -> None:
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
        sys.argv = [module, *argv]
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
    timeout, space = float(request["timeout"]), int(request["address_space"])
    with tempfile.NamedTemporaryFile(delete=False) as fo, \
            tempfile.NamedTemporaryFile(delete=False) as fe:
        out_path, err_path = fo.name, fe.name
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(module, argv, space, out_path, err_path)
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
    for module in sys.argv[1:]:
        # the package and its cli module (never __main__, which would run the command), so
        # that forked children start warm
        importlib.import_module(module)
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"{module}.cli")
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        reply = _run(json.loads(line))
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
