"""The closed forms of docs/results/weights_sizes.json (benchmarks/weights_sizes.py): the fitter
claims only exact, over-determined fits, and every claimed formula equals the size of a network
compiled now at sizes n the benchmark never measured (neither fitted nor checked there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sympy

from simulators.weights.formulas import BASIS, MIN_SPARE, L, bitlen, fit, n, parse, value

RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results" / "weights_sizes.json"

#: Sizes compiled here, none of them in the benchmark's fit or check sets (asserted below).
HELD_OUT = {
    "parity": (300, 1000, 3000),
    "theorem5 dyck-2 (target n)": (100, 600, 2500),
    "theorem4 prefix_sum": (100, 600),
    "theorem1 prefix_sum (weights value bits)": (11,),
    "theorem1 prefix_sum": (9,),
}


def test_bitlen_is_floor_log2_plus_one() -> None:
    assert [value(bitlen(n), k) for k in (1, 2, 3, 4, 7, 8, 9)] == [1, 2, 2, 3, 3, 4, 4]
    assert [value(bitlen(n - 1), k) for k in (2, 8, 9, 1024, 1025)] == [1, 3, 4, 10, 11]
    assert parse(str(3 * n * L + 7)) == 3 * n * L + 7


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "n.__class__", "exec('1')",
                                  "bitlen(n, 2)", "[n]", "n if n else 1", "1.5 * n", ""])
def test_parse_refuses_anything_but_a_size_formula(text: str) -> None:
    with pytest.raises(ValueError, match="formula"):
        parse(text)


def test_fit_recovers_a_formula_and_its_range() -> None:
    truth = 8 * n + 15 + 2 * L**2
    points = {k: value(truth, k) for k in (32, 48, 64, 96, 128, 192, 256)}
    points.update({4: 1, 8: 1, 16: 1})  # a different regime below 32
    f = fit(points)
    assert f is not None and sympy.expand(f.expr - truth) == 0
    assert (f.n_from, f.n_to, f.points) == (32, 256, 7)


def test_fit_refuses_interpolation_and_non_closed_forms() -> None:
    # three terms need 3 + MIN_SPARE points: with fewer, nothing is claimed
    truth = n * L + 5 * n + 1
    few = {k: value(truth, k) for k in (4, 8, 16, 32, 64)[: 2 + MIN_SPARE]}
    assert fit(few, max_terms=3) is None
    # 2^n is no combination of the basis: no fit at any range
    assert fit({k: 2**k for k in range(4, 16)}) is None
    # the basis terms are what the docs say
    assert BASIS[0] == 1 and n in BASIS and L in BASIS


def _results() -> dict:
    return json.loads(RESULTS.read_text())


def _claims(data: dict, name: str) -> dict[str, dict]:
    return {k: e for k, e in data["formulas"].get(name, {}).items() if e["formula"] is not None}


def test_committed_formulas_match_every_committed_row() -> None:
    data = _results()
    for name in data["formulas"]:
        rows = [r for r in data["rows"] if r["construction"] == name]
        for key, e in _claims(data, name).items():
            expr = parse(e["formula"])
            for r in rows:
                if r["n"] >= e["n_from"]:
                    assert value(expr, r["n"]) == r[key], (name, key, r["n"])


@pytest.mark.parametrize("name", sorted(HELD_OUT))
def test_committed_formulas_hold_at_sizes_never_measured(name: str) -> None:
    pytest.importorskip("torch")
    from constructions.size_catalogue import program
    from simulators.weights import compile_program
    from simulators.weights.sizes import magnitude_bits

    data = _results()
    claims = _claims(data, name)
    if not claims:
        pytest.skip(f"no formula claimed for {name}")
    measured = set(data["fit_n"]) | set(data["check_n"])
    checked: set[str] = set()
    for k in HELD_OUT[name]:
        assert k not in measured
        if not any(k >= e["n_from"] for e in claims.values()):
            continue
        prog = program(name, k)
        net = compile_program(prog)
        got = {**net.size(), "S": prog.max_length, "magnitude_bits": magnitude_bits(net)}
        for key, e in claims.items():
            if k >= e["n_from"]:
                assert value(parse(e["formula"]), k) == got[key], (name, key, k)
                checked.add(key)
    assert checked == set(claims)  # HELD_OUT reaches into every claim's range


def test_theorem1_canvas_fit_equals_the_layouts_symbolic_length() -> None:
    """The fitted S(n) of Theorem 1 is the layout's own expression (constructions/pram_mdm/
    symbolic.py: n_in + T(n) P(n) K + n_out), derived independently of any compile."""
    from constructions.pram_mdm.symbolic import context_length
    from constructions.size_catalogue import PREFIX_SUM
    from simulators.pram import load_program

    data = _results()
    expr = context_length(load_program(str(PREFIX_SUM)))
    (sym,) = expr.free_symbols
    for name in ("theorem1 prefix_sum", "theorem1 prefix_sum (weights value bits)"):
        fitted = parse(data["formulas"][name]["S"]["formula"])
        for k in (*range(1, 70), 255, 256, 257, 1000, 4095, 4096, 4097):
            assert value(fitted, k) == int(expr.subs(sym, k)), (name, k)
