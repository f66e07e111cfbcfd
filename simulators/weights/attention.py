"""Each attention head of the encoder as a softmax head with a sink (docs/compiler.md, "Heads").

A head's score is a bilinear form ``Q(x_q) . K(x_k)``; we build it as a list of *pairs*
``(query readout, key readout)`` whose products add up. Atoms score 0 when they hold and at most
-1 when they fail, so a selected key scores ``tie`` and an unselected one at most
``-beta + tie``:

* ``==``: ``-(k-q)^2 = 2kq - q^2 - k^2`` (shifted to the atom's common lower end; the squares are
  features computed by the MLP before the head, docs/encoder.md section 4);
* ``!=``: ``-onehot(k).onehot(q)``; order atoms: ``onehot(k).thermometer(q) - 1``;
* ``leftmost`` / ``rightmost``: tie-break ``-/+ gap * position`` of the key; ``max`` / ``min``:
  ``gap * (S * value + position)`` (a unique best key, so the output is one value, not an average);
* ``mean`` / ``sum`` / ``count``: no tie-break, uniform over the selected keys.

The default is an always-present *sink* key/value (``torch.nn.MultiheadAttention``'s
``add_bias_kv``: a BOS-style slot): its score sits between the selected and the unselected keys
(or equals the selected score for ``count`` / ``sum``, where it is the normaliser ``1/(c+1)``).
``gap`` is the inverse temperature: the score margin between the winning key and every other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulators.encoder.intervals import Interval
from simulators.encoder.sequences import Aggregate
from simulators.weights.mlp import MLPBuilder
from simulators.weights.values import Residual, Val

ORDER = ("<", "<=", ">", ">=")


def holds(p: str, key: int, query: int) -> bool:
    """``pred(key, query)`` as the encoder defines it (key compared to query)."""
    return {"<": key < query, "<=": key <= query, ">": key > query, ">=": key >= query,
            "==": key == query, "!=": key != query}[p]


@dataclass
class HeadSpec:
    """One softmax head: score ``sum(q_i * k_i)``, a sink key scoring ``sink_score`` with value
    ``sink_value``, values ``value`` at the keys, output added to residual dim ``out``."""

    name: str
    pairs: list[tuple[Val, Val]]
    sink_score: float
    value: Val
    sink_value: float
    out: int


@dataclass
class Features:
    """Readouts of the features heads need: squares, one-hots, thermometers (by sequence uid)."""

    square: dict[int, Val] = field(default_factory=dict)      # (x - lo)^2
    onehot: dict[tuple[int, int], Val] = field(default_factory=dict)   # (uid, t) -> [x == t]
    thermo: dict[tuple[int, str, int], Val] = field(default_factory=dict)  # [t pred x]


def feature_needs(node: Aggregate, ranges: dict[int, Interval]) -> list[tuple]:
    """Features the head of ``node`` needs: ``("sq", uid)``, ``("oh", uid, lo, hi)`` or
    ``("th", uid, p, lo, hi)``."""
    needs: list[tuple] = []
    sel = node.selector
    for k, q, p in zip(sel.keys, sel.queries, sel.predicates, strict=True):
        if p == "true":
            continue
        rk, rq = ranges[k.uid], ranges[q.uid]
        lo, hi = min(rk.lo, rq.lo), max(rk.hi, rq.hi)
        if p == "==":
            needs += [("sq", k.uid), ("sq", q.uid)]
        elif p == "!=":
            needs += [("oh", k.uid, lo, hi), ("oh", q.uid, lo, hi)]
        else:
            needs += [("oh", k.uid, lo, hi), ("th", q.uid, p, lo, hi)]
    return needs


def build_features(b: MLPBuilder | None, need: tuple, v: Val, r: Interval, feats: Features,
                   name: str) -> None:
    """Add one feature of a sequence (readout ``v``, range ``r``) computed by MLP ``b``."""
    kind, uid = need[0], need[1]
    if kind == "sq" and uid not in feats.square:
        if r.is_const:
            feats.square[uid] = Val.constant(0.0)
        else:
            assert b is not None
            feats.square[uid] = b.square(v, r.lo, r.hi, f"{name}^2")
    elif kind == "oh":
        lo, hi = need[2], need[3]
        for t in range(max(lo, r.lo), min(hi, r.hi) + 1):
            if (uid, t) not in feats.onehot:
                if r.is_const:
                    feats.onehot[(uid, t)] = Val.constant(1.0 if r.lo == t else 0.0)
                else:
                    assert b is not None
                    feats.onehot[(uid, t)] = b.spike(v, float(t), f"{name}=={t}")
    elif kind == "th":
        p, lo, hi = need[2], need[3], need[4]
        for t in range(lo, hi + 1):
            if (uid, p, t) in feats.thermo:
                continue
            # [t p x]: a step of x at the right threshold (x integer).
            if r.is_const:
                feats.thermo[(uid, p, t)] = Val.constant(1.0 if holds(p, t, r.lo) else 0.0)
                continue
            assert b is not None
            if p == "<":      # t < x  <=>  x >= t+1
                f = b.step_ge(v, float(t + 1), f"{name}>{t}")
            elif p == "<=":   # x >= t
                f = b.step_ge(v, float(t), f"{name}>={t}")
            elif p == ">":    # t > x  <=>  not (x >= t)
                f = 1.0 - b.step_ge(v, float(t), f"{name}>={t}")
            else:             # t >= x  <=>  not (x >= t+1)
                f = 1.0 - b.step_ge(v, float(t + 1), f"{name}>{t}")
            feats.thermo[(uid, p, t)] = f


def _atom_pairs(k: Val, q: Val, kid: int, qid: int, rk: Interval, rq: Interval, p: str,
                feats: Features) -> list[tuple[Val, Val]]:
    lo, hi = min(rk.lo, rq.lo), max(rk.hi, rq.hi)
    if p == "true":
        return []
    if p == "==":
        qv, kv = q - float(lo), k - float(lo)
        # (x - lo)^2 from the feature (x - x.lo)^2: affine in the feature and x.
        qsq = feats.square[qid] + (q - float(rq.lo)) * (2.0 * (rq.lo - lo)) + float(
            (rq.lo - lo) ** 2)
        ksq = feats.square[kid] + (k - float(rk.lo)) * (2.0 * (rk.lo - lo)) + float(
            (rk.lo - lo) ** 2)
        return [(qv, kv * 2.0), (qsq, Val.constant(-1.0)), (Val.constant(1.0), -ksq)]
    if p == "!=":
        return [(feats.onehot.get((qid, t), Val.constant(0.0)),
                 -feats.onehot.get((kid, t), Val.constant(0.0)))
                for t in range(lo, hi + 1)
                if (qid, t) in feats.onehot and (kid, t) in feats.onehot]
    pairs = [(feats.thermo[(qid, p, t)], feats.onehot[(kid, t)])
             for t in range(max(lo, rk.lo), min(hi, rk.hi) + 1)]
    return pairs + [(Val.constant(1.0), Val.constant(-1.0))]


def head_specs(node: Aggregate, vals: dict[int, Val], ranges: dict[int, Interval],
               feats: Features, idx: Val, max_length: int, gap: float, res: Residual,
               name: str) -> tuple[list[HeadSpec], dict[str, int]]:
    """The softmax head(s) realising ``node`` and the residual dims of their raw outputs."""
    S = max_length
    sel = node.selector
    atoms: list[tuple[Val, Val]] = []
    for k, q, p in zip(sel.keys, sel.queries, sel.predicates, strict=True):
        atoms += _atom_pairs(vals[k.uid], vals[q.uid], k.uid, q.uid, ranges[k.uid],
                             ranges[q.uid], p, feats)
    mode, default = node.mode, float(node.default)
    value = vals[node.values.uid]
    rv = ranges[node.values.uid]
    one = Val.constant(1.0)
    if mode == "leftmost":
        beta: float
        beta, tie, sink = gap * (S + 2), [(one, idx * -gap)], -gap * (S + 1)
    elif mode == "rightmost":
        beta, tie, sink = gap * (S + 1), [(one, idx * gap)], -gap
    elif mode in ("max", "min"):
        span = rv.hi - rv.lo + 1
        rel = (value - float(rv.lo)) if mode == "max" else (float(rv.hi) - value)
        beta, tie, sink = gap * (S * span + S + 1), [(one, (rel * float(S) + idx) * gap)], -gap
    elif mode == "mean":
        beta, tie, sink = 2 * gap, [], -gap
    else:  # count / sum: the sink scores like a selected key (normaliser 1/(c+1))
        beta, tie, sink = gap, [], 0.0
    scaled = [(qv, kv * beta) for qv, kv in atoms] + tie
    heads: list[HeadSpec] = []
    raw: dict[str, int] = {}
    if mode in ("count", "sum"):
        raw["z"] = res.alloc(f"{name}.z", 0.0, 1.0)
        heads.append(HeadSpec(f"{name}.count", scaled, 0.0, Val.constant(0.0), 1.0, raw["z"]))
    if mode == "sum":
        lo, hi = min(0, rv.lo), max(0, rv.hi)
        raw["m"] = res.alloc(f"{name}.m", lo, hi)
        heads.append(HeadSpec(f"{name}.sum", scaled, 0.0, value, 0.0, raw["m"]))
    elif mode != "count":
        raw["v"] = res.alloc(f"{name}.raw", min(rv.lo, default), max(rv.hi, default))
        heads.append(HeadSpec(name, scaled, sink, value, default, raw["v"]))
    return heads, raw


def count_from_normaliser(b: MLPBuilder, z: Val, max_count: int, name: str,
                          digits: int = 0) -> tuple[Val, Val, list[Val]]:
    """``(c, [c >= 1], bits)`` from ``z = 1/(c+1)``: a staircase with one ramp ``[c >= t]`` per
    count between consecutive values of ``z`` (slopes up to ~2 S^2: the precision this costs is
    measured). ``bits``: the ``digits`` lowest binary digits of ``c``, read off the *same* ramps
    (``bit_i(c) = sum_t [c >= t] (bit_i(t) - bit_i(t-1))``): no extra unit, no extra level."""
    first = None
    terms = []
    bit_terms: list[list[tuple[tuple[int, int], float]]] = [[] for _ in range(digits)]
    for t in range(1, max_count + 1):
        at, above = 1.0 / (t + 1), 1.0 / t        # z for c = t and for c = t - 1
        lo, hi = at + (above - at) / 4, at + 3 * (above - at) / 4
        u = (z * -1.0 + hi) * (1.0 / (hi - lo))      # 0 at z = hi, 1 at z = lo
        part = [(b.relu(u), 1.0), (b.relu(u - 1.0), -1.0)]
        if t == 1:
            first = b.write(part, f"{name}.c>=1", 0, 1)
        else:
            terms += part
        for i in range(digits):
            step = ((t >> i) & 1) - (((t - 1) >> i) & 1)   # how [c >= t] moves digit i
            if step:
                bit_terms[i] += [(unit, c * step) for unit, c in part]
    rest = b.write(terms, f"{name}.c>=2..", 0, max(0, max_count - 1)) if terms else Val()
    assert first is not None
    bits = [b.write(bt, f"{name}.c.bit{i}", 0, 1) if bt else Val.constant(0.0)
            for i, bt in enumerate(bit_terms)]
    return first + rest, first, bits


def post_process(b: MLPBuilder, node: Aggregate, raw: dict[str, int], ranges: dict[int, Interval],
                 max_length: int, name: str) -> Val:
    """The head's value from its raw output(s): exact for leftmost/rightmost/max/min, an
    inversion of the normaliser for count, ``floor`` for mean, ``(c+1) * m`` for sum."""
    mode, default = node.mode, float(node.default)
    out = ranges[node.uid]
    if mode in ("leftmost", "rightmost", "max", "min"):
        return Val.dim(raw["v"])
    S = max_length
    if mode == "mean":
        r = Val.dim(raw["v"])
        floor = Val.constant(float(out.lo))
        terms = []
        for t in range(out.lo + 1, out.hi + 1):   # [r >= t] with fractions at most 1 - 1/S below
            lo, hi = t - 0.75 / S, t - 0.25 / S
            u = (r - lo) * (1.0 / (hi - lo))
            terms += [(b.relu(u), 1.0), (b.relu(u - 1.0), -1.0)]
        return floor + (b.write(terms, f"{name}.floor", 0, out.hi - out.lo) if terms else Val())
    digits = S.bit_length() if mode == "sum" else 0
    c, some, bits = count_from_normaliser(b, Val.dim(raw["z"]), S, name, digits)
    if mode == "count":
        return c + (1.0 - some) * default if default else c
    # sum = (c + 1) m = m + sum_i bit_i(c) 2^i m: one gate per binary digit of c (log S units and
    # residual dims), not one per count value -- a per-value gate made d_model and the stored
    # weights grow like S and S^2 (Theorem 1 sort at n = 8 did not fit in memory).
    m = Val.dim(raw["m"])
    total = m
    for i, bit in enumerate(bits):
        total = total + b.gate(bit, m * float(1 << i), f"{name}.s{i}")
    return total + (1.0 - some) * default if default else total
