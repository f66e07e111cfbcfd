"""Evaluate an encoder program's outputs at a *subset* of positions, exactly.

Why: the Theorem-1 canvas has ~P*T*K positions (10^6 at n = 1024) but one decoding step only
fills one block. Evaluating every position would cost O(S) per step, so ~T*S in all. This
evaluator computes the requested outputs at the requested positions only; attention keys and
values are still taken from the *whole* canvas, as the network prescribes:

* a node is evaluated at a position set; elementwise nodes and attention *queries* at the same
  set, attention *keys/values* at the candidate key positions of that head;
* candidates come from the head's token-independent ("static") equality components: their full
  composite is sorted once per canvas length and cached, and each query's static value picks its
  range -- e.g. "copy from position i - P*K" touches one key, "the previous block's mode fields"
  P keys, "every write cell" n_in + P*T keys; the remaining (token-dependent) components are
  evaluated at the candidates only and joined by sorting.

The values produced are exactly those of :meth:`Program.evaluate` at those positions; it is an
evaluation mode of :class:`Program` (``program.evaluate(canvas, positions=idx)``), so the
network a construction's fast policy runs is the program whose cost is measured. The tests
``tests/encoder/test_restricted.py`` and ``tests/constructions/test_pram_mdm_restricted.py``
check it against the dense and fast paths, step by step. Only equality-conjunction heads are
supported (all the PRAM constructions use); any other predicate raises
:class:`EncoderProgramError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simulators.encoder.primitives import PRIMITIVES
from simulators.encoder.sequences import Aggregate, Elementwise, Seq, Source
from simulators.errors import EncoderProgramError

if TYPE_CHECKING:  # program.py imports this module lazily; no cycle at run time
    from simulators.encoder.program import Program


@dataclass
class _StaticIndex:
    """Sorted composite of a head's static key components over every position."""

    comps: tuple[int, ...]          # indices into the selector's components
    lows: tuple[int, ...]
    spans: tuple[int, ...]
    order: np.ndarray               # positions sorted by (composite, position)
    sorted_code: np.ndarray         # composite codes in that order
    identity: bool = False          # the composite is the position itself (order = arange)


_EMPTY = np.zeros(0, dtype=np.int64)


def _factorize(cols_k: list[np.ndarray], cols_q: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Joint integer codes of key rows and query rows (equal rows <-> equal codes)."""
    nk = cols_k[0].shape[0] if cols_k else 0
    code_k = np.zeros(nk, dtype=np.int64)
    code_q = np.zeros(cols_q[0].shape[0] if cols_q else 0, dtype=np.int64)
    for ck, cq in zip(cols_k, cols_q, strict=True):
        uniq, inv = np.unique(np.concatenate([ck, cq]), return_inverse=True)
        code_k = code_k * len(uniq) + inv[:nk]
        code_q = code_q * len(uniq) + inv[nk:]
        if len(uniq) > 1:  # re-compact so the running code never overflows
            u2, inv2 = np.unique(np.concatenate([code_k, code_q]), return_inverse=True)
            code_k, code_q = inv2[:nk].astype(np.int64), inv2[nk:].astype(np.int64)
            del u2
    return code_k, code_q


class RestrictedEvaluator:
    """Evaluate a :class:`Program` at chosen positions of a canvas (any length up to the
    program's ``max_length``; per-length structure is cached)."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.length = program.max_length
        self.topo = {n.uid: i for i, n in enumerate(program.nodes)}
        self.static: dict[int, bool] = {}
        for node in program.nodes:
            if isinstance(node, Source):
                if node.kind == "random":
                    raise EncoderProgramError("RestrictedEvaluator: random sources unsupported")
                self.static[node.uid] = node.kind != "tokens"
            else:
                self.static[node.uid] = all(self.static[c.uid] for c in node.children())
        for node in program.nodes:
            if isinstance(node, Aggregate) and any(p != "==" for p in node.selector.predicates):
                raise EncoderProgramError(
                    f"RestrictedEvaluator supports equality heads only; {node.name} uses "
                    f"{node.selector.predicates}")
        self._ancestors: dict[tuple[int, ...], list[Seq]] = {}
        self._indexes: dict[tuple[int, ...], _StaticIndex] = {}
        # Per evaluate() call: values already computed, per position set (keyed by the set's id;
        # the sets are kept alive in _alive so ids stay unique) -- heads sharing keys (e.g. the
        # block's write addresses) compute them once.
        self._memo: dict[int, dict[int, np.ndarray]] = {}
        self._prepared: dict[int, object] = {}
        self._consts: dict[tuple[int, int], np.ndarray] = {}
        self._alive: list[np.ndarray] = []
        self._cand_cache: dict[tuple[tuple[int, ...], bytes], tuple[np.ndarray, np.ndarray]] = {}

    # ------------------------------------------------------------------ structure
    def _needed(self, targets: list[Seq]) -> list[Seq]:
        """Nodes to compute at the *same* positions as ``targets`` (topological order):
        elementwise arguments and attention queries, not attention keys/values."""
        key = tuple(sorted(t.uid for t in targets))
        if key not in self._ancestors:
            seen: dict[int, Seq] = {}
            stack = list(targets)
            while stack:
                node = stack.pop()
                if node.uid in seen:
                    continue
                seen[node.uid] = node
                if isinstance(node, Elementwise):
                    stack.extend(node.args)
                elif isinstance(node, Aggregate):
                    stack.extend(node.selector.queries)
            self._ancestors[key] = sorted(seen.values(), key=lambda n: self.topo[n.uid])
        return self._ancestors[key]

    def _static_index(self, node: Aggregate) -> _StaticIndex | None:
        sel = node.selector
        comps = tuple(i for i, k in enumerate(sel.keys) if self.static[k.uid])
        if not comps:
            return None
        key = tuple(sel.keys[i].uid for i in comps)
        only = sel.keys[comps[0]]
        if len(comps) == 1 and isinstance(only, Source) and only.kind == "indices":
            # The key is the position: code c sits at position c -- nothing to sort or store
            # (an AP-MDM canvas changes length every step, so this matters there).
            return _StaticIndex(comps, (0,), (self.length,), _EMPTY, _EMPTY, True)
        if key not in self._indexes:
            everywhere = np.arange(self.length, dtype=np.int64)
            cols = [self._eval(everywhere, [sel.keys[i]], None)[sel.keys[i].uid] for i in comps]
            lows = tuple(int(c.min()) for c in cols)
            spans = tuple(int(c.max()) - lo + 1 for c, lo in zip(cols, lows, strict=True))
            if float(np.prod([float(s) for s in spans])) >= 2.0**62:
                raise EncoderProgramError(f"{node.name}: static key composite too large")
            code = np.zeros(self.length, dtype=np.int64)
            for c, lo, span in zip(cols, lows, spans, strict=True):
                code = code * span + (c - lo)
            identity = len(comps) == 1 and bool(np.array_equal(code, everywhere - lows[0]))
            order = everywhere if identity else np.argsort(code, kind="stable")
            self._indexes[key] = _StaticIndex(comps, lows, spans, order, code[order], identity)
        return self._indexes[key]

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, canvas: np.ndarray, positions: np.ndarray,
                 names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
        """Output name -> values at ``positions`` (int64 array of positions)."""
        canvas = np.asarray(canvas, dtype=np.int64)
        if canvas.ndim != 1 or not 1 <= canvas.shape[0] <= self.program.max_length:
            raise EncoderProgramError(
                f"restricted evaluation needs one canvas of length 1..{self.program.max_length}"
                f", got shape {canvas.shape}")
        if int(canvas.shape[0]) != self.length:  # static indexes hold for one length: an
            self._indexes = {}                   # AP-MDM canvas changes length every step
            self.length = int(canvas.shape[0])
        names = tuple(self.program.outputs) if names is None else names
        targets = [self.program.outputs[n] for n in names]
        pos = np.asarray(positions, dtype=np.int64).reshape(-1)
        if pos.size and (pos.min() < 0 or pos.max() >= self.length):
            raise EncoderProgramError(f"positions outside 0..{self.length - 1}")
        self._memo, self._alive, self._cand_cache = {}, [], {}
        try:
            vals = self._eval(pos, targets, canvas)
        finally:
            memo_free = self._memo
            self._memo, self._alive, self._cand_cache = {}, [], {}
            self._consts = {}
            del memo_free
        return {n: vals[self.program.outputs[n].uid] for n in names}

    def _eval(self, pos: np.ndarray, targets: list[Seq],
              canvas: np.ndarray | None) -> dict[int, np.ndarray]:
        if canvas is None:  # static evaluation (cached separately, no memo)
            vals: dict[int, np.ndarray] = {}
        else:
            self._alive.append(pos)
            vals = self._memo.setdefault(id(pos), {})
        for node in self._needed(targets):
            if node.uid in vals:
                continue
            if isinstance(node, Source):
                vals[node.uid] = self._source(node, pos, canvas)
            elif isinstance(node, Elementwise):
                out = np.asarray(self._compute(node, [vals[a.uid] for a in node.args]),
                                 dtype=np.int64)
                if out.shape != pos.shape:
                    out = np.broadcast_to(out, pos.shape)
                vals[node.uid] = out
            elif isinstance(node, Aggregate):
                vals[node.uid] = self._attend(node, pos, vals, canvas)
        return vals

    def _compute(self, node: Elementwise, args: list[np.ndarray]) -> np.ndarray:
        """The primitive's own numpy semantics (its prepared form when it has one)."""
        prim = PRIMITIVES[node.prim]
        prepare = getattr(prim, "prepare", None)
        if prepare is None or prim.compute_prepared is None:
            return prim.compute(args, node.params)
        if node.uid not in self._prepared:
            self._prepared[node.uid] = prepare(node.params, len(args))
        return prim.compute_prepared(args, self._prepared[node.uid])

    def _source(self, node: Source, pos: np.ndarray, canvas: np.ndarray | None) -> np.ndarray:
        if node.kind == "tokens":
            if canvas is None:
                raise EncoderProgramError("internal: token source in a static evaluation")
            return canvas[pos]
        if node.kind == "indices":
            return pos
        value = self.length if node.kind == "length" else int(node.lo or 0)
        key = (int(value), pos.shape[0])
        arr = self._consts.get(key)
        if arr is None:  # one read-only array per (constant, length): constants are biases
            arr = np.full(pos.shape, value, dtype=np.int64)
            arr.flags.writeable = False
            self._consts[key] = arr
        return arr

    def _query_ranges(self, index: _StaticIndex, qvals: list[np.ndarray]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each query's static code (-1: matches nothing) and its range in the static order."""
        nq = qvals[0].shape[0]
        qcode = np.zeros(nq, dtype=np.int64)
        valid = np.ones(nq, dtype=bool)
        for i, lo, span in zip(index.comps, index.lows, index.spans, strict=True):
            q = qvals[i] - lo
            valid &= (q >= 0) & (q < span)
            qcode = qcode * span + np.clip(q, 0, span - 1)
        qcode = np.where(valid, qcode, -1)
        if index.identity:  # the key is the position itself: code c sits at order[c]
            left = np.where(valid, qcode, 0)
            return qcode, left, left + valid
        left = np.searchsorted(index.sorted_code, qcode, "left")
        right = np.where(valid, np.searchsorted(index.sorted_code, qcode, "right"), left)
        return qcode, left, right

    def _candidates(self, node: Aggregate, index: _StaticIndex, qcode: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Candidate key positions (union of the queries' static ranges) and their codes."""
        wanted = np.unique(qcode[qcode >= 0])
        if index.identity:  # code c sits at position c
            return wanted, wanted
        ckey = (tuple(node.selector.keys[i].uid for i in index.comps), wanted.tobytes())
        if ckey in self._cand_cache:  # same candidates as an earlier head: same array object
            return self._cand_cache[ckey]
        left = np.searchsorted(index.sorted_code, wanted, "left")
        right = np.searchsorted(index.sorted_code, wanted, "right")
        sizes = right - left
        total = int(sizes.sum())
        starts = np.repeat(left - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
        flat = np.arange(total, dtype=np.int64) + starts
        self._cand_cache[ckey] = (index.order[flat], index.sorted_code[flat])
        return self._cand_cache[ckey]

    def _attend(self, node: Aggregate, pos: np.ndarray, vals: dict[int, np.ndarray],
                canvas: np.ndarray | None) -> np.ndarray:
        sel = node.selector
        qvals = [vals[q.uid] for q in sel.queries]
        nq = pos.shape[0]
        out = np.full(nq, node.default, dtype=np.int64)
        dyn = [i for i, k in enumerate(sel.keys) if not self.static[k.uid]]
        index = self._static_index(node)
        if index is not None and not dyn and node.mode in ("leftmost", "rightmost", "count"):
            # Static keys only: each query's matches are exactly its range in the static order
            # (positions ascending inside a range), so the extreme match is read off directly.
            _, left, right = self._query_ranges(index, qvals)
            cnt = right - left
            hit = cnt > 0
            if node.mode == "count":
                return np.where(hit, cnt, node.default).astype(np.int64)
            at = (left if node.mode == "leftmost" else right - 1)[hit]
            at = at if index.identity else index.order[at]  # identity: code c at position c
            out[hit] = self._eval(at, [node.values], canvas)[node.values.uid]
            return out
        if index is None:
            cand, cand_code, qcode = np.arange(self.length, dtype=np.int64), None, None
        else:
            qcode, _, _ = self._query_ranges(index, qvals)
            cand, cand_code = self._candidates(node, index, qcode)
        if cand.size == 0 or nq == 0:
            return out
        cols_k = [self._eval(cand, [sel.keys[i]], canvas)[sel.keys[i].uid] for i in dyn]
        cols_q = [qvals[i] for i in dyn]
        # Keep only keys whose token-dependent parts equal some query's (cheap: searchsorted
        # against the few distinct query values), then join the survivors exactly.
        keep = np.ones(cand.size, dtype=bool)
        for ck, cq in zip(cols_k, cols_q, strict=True):
            uq = np.unique(cq)
            j = np.clip(np.searchsorted(uq, ck), 0, uq.size - 1)
            keep &= uq[j] == ck
        if not keep.all():
            cand = cand[keep]
            cols_k = [c[keep] for c in cols_k]
            cand_code = None if cand_code is None else cand_code[keep]
        if cand.size == 0:
            return out
        if cand_code is not None:
            cols_k = [cand_code] + cols_k
            cols_q = [qcode] + cols_q  # type: ignore[list-item,assignment]
        code_k, code_q = _factorize(cols_k, cols_q)
        if qcode is not None:  # queries whose static part matches nothing
            code_q = np.where(qcode >= 0, code_q, -1)
        order = np.lexsort((cand, code_k))
        sk = code_k[order]
        lo = np.searchsorted(sk, code_q, "left")
        hi = np.searchsorted(sk, code_q, "right")
        hit = (hi > lo) & (code_q >= 0)
        cnt = hi - lo
        if node.mode == "count":
            return np.where(hit, cnt, node.default).astype(np.int64)
        v = np.asarray(self._eval(cand, [node.values], canvas)[node.values.uid],
                       dtype=np.int64)[order]
        if node.mode == "leftmost":
            out[hit] = v[lo[hit]]
        elif node.mode == "rightmost":
            out[hit] = v[hi[hit] - 1]
        elif node.mode in ("sum", "mean"):
            csum = np.concatenate([[0], np.cumsum(v)])
            s = csum[hi] - csum[lo]
            if node.mode == "mean":
                s = np.floor_divide(s, np.maximum(cnt, 1))
            out[hit] = s[hit]
        else:  # max / min over each group
            starts = np.flatnonzero(np.concatenate([[True], sk[1:] != sk[:-1]]))
            red = (np.maximum if node.mode == "max" else np.minimum).reduceat(v, starts)
            gidx = np.searchsorted(starts, lo, "right") - 1
            out[hit] = red[gidx[hit]]
        return out
