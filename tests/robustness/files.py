"""Hostile input files shared by the regression cases and the fuzzer (written once per session)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.robustness.runner import ROOT

EXAMPLES = ROOT / "examples" / "pram"
PROGRAMS = Path(__file__).resolve().parent / "programs"
HEAD = "program p\nmodel CREW\ninput A[n]\noutput A\nprocessors n\ntime 100\nbegin\n"


def write_files(d: Path) -> dict[str, str]:
    """name -> path of every hostile file (plus the valid examples the fuzzer mixes in)."""
    files: dict[str, str | bytes] = {
        "bigint_input.json": '{"A": [' + "1" * 100_000 + "]}",
        "deep.json": "[" * 100_000,
        "deep_object.json": '{"a":' * 5_000 + "1" + "}" * 5_000,
        "nan.json": '{"A": [NaN]}',
        "float.json": '{"A": [1.5]}',
        "list.json": "[1, 2]",
        "empty.json": "",
        "binary.bin": bytes(range(256)) * 64,
        "latin1.txt": "caf\xe9".encode("latin-1"),
        "brackets.txt": "([])" * 160_000 + "\n",
        "words.txt": "a1 A1\n\na2 a2 A2 A2\nb\n",
        "bigint.pram": HEAD + "  x := " + "9" * 5000 + "\nend\n",
        "nested_if.pram": HEAD + "if 1 then\n" * 300 + "skip\n" + "end\n" * 301,
        "nested_paren.pram": HEAD + "  x := " + "(1+" * 90 + "1" + ")" * 90 + "\nend\n",
        "flat_sum.pram": HEAD + "  x := " + "+".join(["1"] * 1000) + "\nend\n",
        "bad_model.pram": HEAD.replace("CREW", "CRCW-random") + "skip\nend\n",
        "nameless.pram": HEAD.replace("program p", "program") + "skip\nend\n",
        "unterminated.pram": HEAD + "  x := 0\n  while x < 3 do\n    x := x + 1\n\n  A[0] := x\n"
                                    "end\n",
        "time_negative.pram": HEAD.replace("time 100", "time -5") + "skip\nend\n",
        "forever.pram": HEAD.replace("time 100", "time 10^9") + "  while 1 do\n    skip\n  end\n"
                                                                "end\n",
        "trace_not.json": json.dumps({"schema": "x"}),
        "trace_bad.json": json.dumps({"schema": "powerful-ways/trace", "version": 1,
                                      "process": "mdm", "vocab": {"kind": "int", "lo": 0,
                                                                  "hi": 10**50}}),
    }
    out: dict[str, str] = {}
    for name, content in files.items():
        path = d / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        out[name] = str(path)
    out["directory"] = str(d)
    out["devnull"] = "/dev/null"
    out["missing"] = str(d / "missing.pram")
    out["prefix_sum.pram"] = str(EXAMPLES / "prefix_sum.pram")
    out["sum.pram"] = str(EXAMPLES / "sum.pram")
    out["odd_even_sort.pram"] = str(PROGRAMS / "odd_even_sort.pram")
    return out
