"""Collects what each theorem check verified, for the verification report that
``pytest proofs_checks/`` prints at the end (see ``proofs_checks/conftest.py``).

A check calls :func:`record` once per verified case, e.g.::

    record("Theorem 1", program="prefix_sum", num_inputs=1, max_n=64,
           max_steps_over_T=1.0, max_context_over_PT=3.2, depth_by_n={64: 41})

How values are aggregated across calls is chosen by the key's prefix:

* ``num_*``  summed                  * ``max_*`` maximum          * ``min_*`` minimum
* ``set_*`` / ``program`` / ``claim`` collected as a sorted set of distinct values
* ``*_by_n`` (a dict)                 merged; printed as ``n=value`` pairs
* anything else                       last value wins
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

_RECORDS: dict[str, list[dict[str, Any]]] = defaultdict(list)


def record(theorem: str, **values: Any) -> None:
    """Record one verified case for ``theorem`` (e.g. ``"Theorem 1"``)."""
    _RECORDS[theorem].append(values)


def records() -> dict[str, list[dict[str, Any]]]:
    return _RECORDS


def _is_set_key(key: str) -> bool:
    return key.startswith("set_") or key in ("program", "claim", "language")


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in rows:
        for key, value in row.items():
            if key.startswith("num_"):
                out[key] = out.get(key, 0) + value
            elif key.startswith("max_"):
                out[key] = value if key not in out else max(out[key], value)
            elif key.startswith("min_"):
                out[key] = value if key not in out else min(out[key], value)
            elif _is_set_key(key):
                out.setdefault(key, set()).add(value)
            elif key.endswith("_by_n") and isinstance(value, dict):
                out.setdefault(key, {}).update(value)
            else:
                out[key] = value
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, set):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, dict):
        return " ".join(f"{k}={_fmt(v)}" for k, v in sorted(value.items()))
    return str(value)


def render_lines() -> list[str]:
    lines: list[str] = []
    for theorem in sorted(_RECORDS):
        rows = _RECORDS[theorem]
        lines.append(f"{theorem}: {len(rows)} verified case(s)")
        agg = aggregate(rows)
        width = max([28, *(len(k) + 1 for k in agg)])  # keys stay in one aligned column
        for key, value in sorted(agg.items()):
            lines.append(f"    {key:<{width}} {_fmt(value)}")
    return lines
