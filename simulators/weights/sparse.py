"""Sparse evaluation of a compiled network: the same weights, computed only where needed.

Why: Theorem 1's canvas has S ~ P*T*K positions but a decoding step fills one block. The dense
forward (:meth:`CompiledNetwork.forward`) runs every module that feeds a key or value at all S
positions and scores every query against all S keys, so one step costs O(S^2) (prefix_sum n = 4,
S = 1,409: 2.5 s a step, 1.8 s of it in softmax over all keys; docs/compiler.md, "Speed").

This evaluator mirrors the encoder's restricted evaluator (simulators/encoder/restricted.py)
at weight level:

* demand-driven: each module (embedding, MLP level, head) runs at the positions where some later
  consumer reads what it writes -- the query rows of a later head or MLP level, or the candidate
  key rows of a later head -- recursively, each module at most once per position;
* each head's softmax is taken over its sink and its *candidate keys*: the keys whose static
  (token-independent) equality components equal the query's. The candidate index is the
  restricted evaluator's own (``_static_index`` / ``_query_ranges``: the static composite sorted
  once per canvas length -- a sparsity pattern fixed by positions, like a block-sparse mask);
  the query's side of it is read off the residual stream at the query row (rounded), i.e. the
  network's own query values pick the key buckets.

What is skipped, and why it is negligible: a skipped key fails at least one equality atom, so
its score is at least the head's margin ``gap`` below the larger of the sink's and the best
candidate's (docs/compiler.md, "Heads": a failing atom costs ``beta`` >= the tie-break range +
``gap``). Its weight relative to the softmax maximum is at most ``e^-gap`` (e^-50 ~ 2e-22 at the
default gap); all skipped keys together change a head's output by at most
``S * e^-gap * 2 max|value|`` -- the bound docs/compiler.md states and the tests check against
the dense evaluation. Only equality heads are supported (the restricted evaluator's domain);
other programs (Theorem 4's ``true`` head, random sources) use the dense forward.

Batches (:meth:`SparseEvaluator.evaluate_batch_float`): B independent canvases of one length L
are one flat canvas of ``B * L`` rows, each query's candidate keys shifted to its own run's rows
(simulators/weights/batch.py runs whole constructions this way, in lock step).

Memory: the residual is one ``(B * L, d_model)`` buffer of which only demanded rows are written
(``torch.empty``: untouched rows are never read, and cost no physical pages on Linux); a head's
(query, candidate) pairs are processed in chunks of at most ``PAIR_BUDGET`` pair-dimensions, so
no ``O(L^2)`` tensor is built unless the program's selector really asks every query for every
key (a head with no static component: then ``nq * L`` scores, also chunked).
"""

from __future__ import annotations

import sys
import weakref
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import torch

from simulators.encoder.restricted import RestrictedEvaluator
from simulators.encoder.sequences import Aggregate
from simulators.errors import EncoderProgramError
from simulators.weights.network import Attention, MLPLevel, embedding_rows, torch_threads

if TYPE_CHECKING:
    from simulators.weights.compiler import CompiledNetwork

#: Most (pair x head-dimension) entries materialised at once by one head (~128 MiB in float64).
PAIR_BUDGET = 1 << 24
#: Most static (query, candidate) pairs indexed at once by one head (a few int64 arrays of this
#: length, ~32 MiB each), before the token-dependent filter keeps the matching ones.
STATIC_PAIR_BUDGET = 1 << 22
#: One-input parts at least this wide are evaluated by breakpoint search (:class:`OneInputPart`).
ONE_INPUT_MIN_WIDTH = 64


class LevelPart:
    """The units of one MLP level that write one group of its output dims (with the input dims
    they read): a level is the sum of its units, so its parts compute exactly its function, and
    each part runs only where its own outputs are needed. Why: a level mixes cheap units with,
    e.g., a count's staircase of ~2S ramps, needed at far fewer positions than the rest."""

    def __init__(self, name: str, in_dims: torch.Tensor, w_in: torch.Tensor, b_in: torch.Tensor,
                 out_dims: torch.Tensor, w_out: torch.Tensor) -> None:
        self.name, self.in_dims, self.out_dims = name, in_dims, out_dims
        self.w_in, self.b_in, self.w_out = w_in, b_in, w_out

    def delta_from(self, x_in: torch.Tensor) -> torch.Tensor:
        """``W_out ReLU(W_in x + b_in)`` on the gathered input columns, in row chunks so the
        hidden activations stay within ``PAIR_BUDGET`` entries."""
        width = max(int(self.b_in.shape[0]), 1)
        step = max(PAIR_BUDGET // width, 1)
        if x_in.shape[0] <= step:
            return torch.relu(x_in @ self.w_in.T + self.b_in) @ self.w_out.T
        return torch.cat([torch.relu(x_in[a:a + step] @ self.w_in.T + self.b_in) @ self.w_out.T
                          for a in range(0, int(x_in.shape[0]), step)])


class OneInputPart(LevelPart):
    """A part whose units all read one input column ``z`` (e.g. a count's staircase of ~2S
    ramps reading the normaliser ``1/(c+1)``, docs/compiler.md "Heads"). Its output is the
    piecewise-linear ``sum_u a_u ReLU(w_u z + b_u)``; on each interval between the units'
    breakpoints ``-b_u / w_u`` it is ``z * A + B`` with ``A``, ``B`` the sums of ``a_u w_u``,
    ``a_u b_u`` over the units active there. Those sums are precomputed per interval *exactly*
    (integer arithmetic on the floats' binary fractions, rounded once), so a row costs a binary
    search instead of ``width`` units -- the same function of the same weights."""

    def __init__(self, part: LevelPart) -> None:
        super().__init__(part.name, part.in_dims, part.w_in, part.b_in, part.out_dims,
                         part.w_out)
        w = part.w_in[:, 0].detach().cpu().to(torch.float64).numpy()
        b = part.b_in.detach().cpu().to(torch.float64).numpy()
        a = part.w_out.detach().cpu().to(torch.float64).numpy()       # (n_out, width)
        flat = w == 0
        self.const = a[:, flat] @ np.maximum(b[flat], 0.0)          # units that never move
        up, down = np.flatnonzero(w > 0), np.flatnonzero(w < 0)
        up = up[np.argsort(-b[up] / w[up], kind="stable")]
        down = down[np.argsort(-b[down] / w[down], kind="stable")]
        self.th_up = -b[up] / w[up]          # active where z > threshold: a prefix of ``up``
        self.th_down = -b[down] / w[down]    # active where z < threshold: a suffix of ``down``
        # (n_out, len + 1) exact prefix / suffix sums of slopes and intercepts
        self.slope_up = _exact_cumsum(a[:, up], w[up], suffix=False)
        self.icpt_up = _exact_cumsum(a[:, up], b[up], suffix=False)
        self.slope_down = _exact_cumsum(a[:, down], w[down], suffix=True)
        self.icpt_down = _exact_cumsum(a[:, down], b[down], suffix=True)
        self.dtype = part.w_in.dtype

    def delta_from(self, x_in: torch.Tensor) -> torch.Tensor:
        z = x_in[:, 0].to(torch.float64).cpu().numpy()
        i = np.searchsorted(self.th_up, z, "left")      # up units 0..i-1 have threshold < z
        j = np.searchsorted(self.th_down, z, "right")   # down units j.. have threshold > z
        slope = self.slope_up[:, i] + self.slope_down[:, j]
        icpt = self.icpt_up[:, i] + self.icpt_down[:, j]
        out = (z * slope + icpt + self.const[:, None]).T
        return torch.as_tensor(out, dtype=self.dtype, device=x_in.device)


def _exact_cumsum(a: np.ndarray, v: np.ndarray, *, suffix: bool) -> np.ndarray:
    """``(n_out, m + 1)``: entry ``k`` is ``sum_{u < k} a[:, u] * v[u]`` (``suffix``: over
    ``u >= k``), computed exactly on the floats' binary fractions and rounded once."""
    from itertools import accumulate

    m = v.shape[0]
    out = np.zeros((a.shape[0], m + 1))
    for r in range(a.shape[0]):
        ratios = [float(x).as_integer_ratio() for x in a[r]]
        vr = [float(x).as_integer_ratio() for x in v]
        dens = [d1 * d2 for (_, d1), (_, d2) in zip(ratios, vr, strict=True)]
        big = max(dens, default=1)  # powers of two: every denominator divides the largest
        nums = [n1 * n2 * (big // d) for (n1, _), (n2, _), d in zip(ratios, vr, dens,
                                                                     strict=True)]
        if suffix:
            nums = nums[::-1]
        sums = [0, *accumulate(nums)]
        vals = [c / big for c in sums]  # int / int: correctly rounded
        out[r] = vals[::-1] if suffix else vals
    return out


def split_level(level: MLPLevel) -> list[LevelPart]:
    """``level`` as independent parts: output dims joined when one unit writes both; each part
    keeps the units writing its dims and the input columns those units read."""
    w_out = level.w_out.detach()
    w_in = level.w_in.detach()
    n_out = int(w_out.shape[0])
    parent = list(range(n_out))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    nz = (w_out != 0).cpu().numpy()
    for u in np.flatnonzero(nz.sum(axis=0) > 1):  # a unit writing several dims joins them
        rows = np.flatnonzero(nz[:, u])
        for r in rows[1:]:
            parent[find(int(r))] = find(int(rows[0]))
    groups: dict[int, list[int]] = {}
    for r in range(n_out):
        groups.setdefault(find(r), []).append(r)
    parts = []
    in_nz = (w_in != 0).cpu().numpy()
    for j, outs in enumerate(groups.values()):
        units = np.flatnonzero(nz[outs].any(axis=0))
        cols = np.flatnonzero(in_nz[units].any(axis=0))
        dev = w_in.device
        u_t = torch.as_tensor(units, device=dev)
        c_t = torch.as_tensor(cols, device=dev)
        o_t = torch.as_tensor(np.asarray(outs), device=dev)
        part = LevelPart(f"{level.name}/{j}", level.in_dims[c_t], w_in[u_t][:, c_t],
                         level.b_in.detach()[u_t], level.out_dims[o_t], w_out[o_t][:, u_t])
        wide_scalar = cols.size == 1 and units.size >= ONE_INPUT_MIN_WIDTH
        parts.append(OneInputPart(part) if wide_scalar else part)
    return parts


class SparseEvaluator:
    """Evaluate a :class:`CompiledNetwork` at chosen positions of one canvas, or of a batch of
    independent canvases of one length (:meth:`evaluate_batch_float`; see module doc).

    Raises :class:`EncoderProgramError` at construction when the program is outside the
    restricted evaluator's domain (non-equality heads, random sources) or the network does not
    record which program node each head realises (e.g. one rebuilt from an export)."""

    def __init__(self, net: CompiledNetwork, *, poison: bool = False) -> None:
        # A weak reference: the network caches its evaluator, and the kept residual (up to
        # L x d_model floats) must go with the network, not wait for the cycle collector.
        self.net = cast("CompiledNetwork", weakref.proxy(net))
        self.poison = poison  # tests: fill the residual with NaN so an unwritten read shows
        program = net.program
        self.restricted = RestrictedEvaluator(program)  # raises outside its domain
        self.nodes = {n.uid: n for n in program.nodes}
        self.mods: list[Any] = []
        for _, mods in net.stack:
            for m in mods:
                self.mods += split_level(m) if isinstance(m, MLPLevel) else [m]
        writer: dict[int, int] = {}
        emb = net.embedding
        for d in torch.cat([emb.tok_dims, emb.pos_dims, emb.noise_dims]).tolist():
            writer[d] = -1  # the embedding
        for i, m in enumerate(self.mods):
            outs = [m.out] if isinstance(m, Attention) else m.out_dims.tolist()
            for d in outs:
                if d in writer:  # the recursion runs each writer once per position
                    raise EncoderProgramError(f"residual dim {d} has two writers")
                writer[d] = i
            if isinstance(m, Attention) and m.node_uid not in self.nodes:
                raise EncoderProgramError(f"head {m.name} does not record its program node")

        def deps(dims: list[int], before: int) -> list[int]:
            if any(d not in writer for d in dims):  # the dense path would read a zero there
                raise EncoderProgramError("a module reads a residual dim nothing writes")
            out = sorted({writer[d] for d in dims})
            if any(w >= before for w in out):
                raise EncoderProgramError("a module reads a dim written after it")
            return out

        self.deps_q: list[list[int]] = []
        self.deps_kv: list[list[int]] = []
        self.query_seqs: list[list[Any]] = []
        self.dyn_keys: list[list[tuple[int, Any]]] = []  # (component, key seq), token-dependent
        static = self.restricted.static
        for i, m in enumerate(self.mods):
            if isinstance(m, LevelPart):
                self.deps_q.append(deps(m.in_dims.tolist(), i))
                self.deps_kv.append([])
                self.query_seqs.append([])
                self.dyn_keys.append([])
                continue
            node = self.nodes[m.node_uid]
            qseqs = list(node.selector.queries) if isinstance(node, Aggregate) else []
            dyn = ([(c, k) for c, k in enumerate(node.selector.keys) if not static[k.uid]]
                   if isinstance(node, Aggregate) else [])
            qdims = m.q_dims.tolist() + [d for q in qseqs
                                         for d in net.sequence_readouts[q.uid].dims]
            kdims = m.k_dims.tolist() + m.v_dims.tolist() + [
                d for _, k in dyn for d in net.sequence_readouts[k.uid].dims]
            self.deps_q.append(deps(qdims, i))
            self.deps_kv.append(deps(kdims, i))
            self.query_seqs.append(qseqs)
            self.dyn_keys.append(dyn)
        self.readout_deps = {name: deps(list(v.dims), len(self.mods))
                             for name, v in net.readouts.items()}
        # Token-local modules: their value at a position depends only on the token there (and
        # on the position) -- the embedding, heads of fully static program nodes (a function of
        # positions alone), MLP levels reading only such modules. Like a KV cache, their rows
        # are kept between calls on canvases of one length and recomputed only where the token
        # changed; every other module is recomputed on each call.
        self.local: list[bool] = []
        chain: list[int] = []  # longest dependency chain ending at each module
        for i, m in enumerate(self.mods):
            if isinstance(m, Attention):
                self.local.append(bool(static[m.node_uid]))
            else:
                self.local.append(all(w < 0 or self.local[w] for w in self.deps_q[i]))
            chain.append(1 + max((chain[w] for w in self.deps_q[i] + self.deps_kv[i]
                                  if w >= 0), default=0))
        # _ensure recurses along dependencies (up to three frames a module: _ensure, _head,
        # _keys): the Python stack must hold the longest chain.
        self.stack_frames = 3 * max(chain, default=0) + 200
        self.x = torch.zeros(0)
        self.tokens = torch.zeros(0, dtype=torch.long)
        self.done: list[np.ndarray] = []
        self.emb_done = np.zeros(0, dtype=bool)
        self.length = 0
        self.canvas: np.ndarray | None = None  # the previous call's canvas

    # ------------------------------------------------------------------ running
    def evaluate_float(self, canvas: np.ndarray, positions: np.ndarray,
                       names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
        """Output name -> unrounded float64 values at ``positions`` (one canvas)."""
        canvas = np.asarray(canvas, dtype=np.int64)
        if canvas.ndim != 1:
            raise EncoderProgramError(f"sparse evaluation needs one canvas of length "
                                      f"1..{self.net.max_length}, got shape {canvas.shape}")
        return self.evaluate_batch_float(canvas[None, :], [positions], names)[0]

    @torch.no_grad()
    def evaluate_batch_float(self, canvases: np.ndarray, positions: list[np.ndarray],
                             names: tuple[str, ...] | None = None
                             ) -> list[dict[str, np.ndarray]]:
        """The same for ``B`` independent canvases of one length ``(B, L)``: run ``b``'s outputs
        at ``positions[b]`` (empty: run ``b`` asks nothing this call, and costs nothing).

        The batch is one flat canvas of ``B * L`` rows (row ``b * L + p`` is run ``b``'s
        position ``p``); every module runs once over the rows all runs demand, and a head's
        candidate keys for a query of run ``b`` are that run's rows only: the static index
        depends on positions alone, so it is shared, offset by ``b * L`` (docs/compiler.md,
        "Speed"). Run ``b``'s rows are kept between calls as for one canvas, so a run whose
        canvas does not change (e.g. one that has halted, passed with no positions) keeps its
        rows and costs nothing."""
        net = self.net
        canvases = np.asarray(canvases, dtype=np.int64)
        if (canvases.ndim != 2 or not 1 <= canvases.shape[1] <= net.max_length
                or len(positions) != canvases.shape[0]):
            raise EncoderProgramError(f"sparse evaluation needs canvases (B, L) with L in "
                                      f"1..{net.max_length} and one position array each, got "
                                      f"shape {canvases.shape} and {len(positions)} arrays")
        net._inputs(canvases, None)  # the token-range check the dense path makes
        B, L = (int(v) for v in canvases.shape)
        flat_parts, orders, counts = [], [], []
        for b, asked in enumerate(positions):
            asked = np.asarray(asked, dtype=np.int64).reshape(-1)
            pos = np.unique(asked)
            if pos.size and (pos[0] < 0 or pos[-1] >= L):
                raise EncoderProgramError(f"positions outside 0..{L - 1}")
            flat_parts.append(pos + b * L)  # runs in order: the flat rows stay sorted
            orders.append(np.searchsorted(pos, asked))
            counts.append(int(pos.size))
        flat = np.concatenate(flat_parts)
        r = self.restricted
        if r.length != L:  # static indexes hold for one canvas length
            r._indexes, r.length = {}, L
        dev = net.embedding.noise_dims.device
        self.tokens = torch.as_tensor(canvases.reshape(-1).copy(), device=dev)
        self._start(canvases)
        names = tuple(net.readouts) if names is None else names
        limit = sys.getrecursionlimit()
        if limit < self.stack_frames:
            sys.setrecursionlimit(self.stack_frames)
        try:
            with torch_threads(net.threads):  # default one: see CompiledNetwork.threads
                for name in names:
                    for w in self.readout_deps[name]:
                        self._ensure(w, flat)
                rows = torch.as_tensor(flat, device=dev)
                values = {}
                for name in names:
                    v = net.readouts[name]
                    if len(v.dims):
                        dims = getattr(net, f"ro_dims_{name}")
                        coef = getattr(net, f"ro_coef_{name}")
                        y = self._gather(rows, dims) @ coef + v.const
                    else:
                        y = torch.full((flat.size,), v.const, dtype=net.dtype, device=dev)
                    values[name] = y.to(torch.float64).cpu().numpy()
        except BaseException:
            self.release()
            raise
        finally:
            sys.setrecursionlimit(limit)  # the caller's
        self.canvas = canvases.copy()
        ends = np.cumsum([0, *counts])
        return [{name: y[ends[b]:ends[b + 1]][orders[b]] for name, y in values.items()}
                for b in range(B)]

    def release(self) -> None:
        """Free the kept residual (the next call recomputes everything)."""
        self.x, self.done, self.canvas = torch.zeros(0), [], None

    def _start(self, canvases: np.ndarray) -> None:
        """Keep the token-local rows where the token is unchanged; forget the rest."""
        B, L = (int(v) for v in canvases.shape)
        prev = self.canvas
        if prev is None or prev.shape != canvases.shape:
            net = self.net
            d = len(net.residual_names)
            dev = net.embedding.noise_dims.device
            self.x = torch.empty(0)  # free the old buffer before allocating the new one
            self.x = (torch.full((B * L, d), float("nan"), dtype=net.dtype, device=dev)
                      if self.poison else torch.empty((B * L, d), dtype=net.dtype, device=dev))
            self.done = [np.zeros(B * L, dtype=bool) for _ in self.mods]
            self.emb_done = np.zeros(B * L, dtype=bool)
            self.length = L
            return
        changed = np.flatnonzero(prev.reshape(-1) != canvases.reshape(-1))  # flat rows
        self.emb_done[changed] = False
        for i, done in enumerate(self.done):
            if self.local[i]:
                done[changed] = False
            else:
                done[:] = False

    def evaluate(self, canvas: np.ndarray, positions: np.ndarray,
                 names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
        """Rounded outputs (int64), like :meth:`CompiledNetwork.evaluate` at ``positions``."""
        return {k: np.rint(v).astype(np.int64)
                for k, v in self.evaluate_float(canvas, positions, names).items()}

    # ------------------------------------------------------------------ internals
    def _rows(self, pos: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(pos, device=self.x.device)

    def _gather(self, rows: torch.Tensor, dims: torch.Tensor) -> torch.Tensor:
        return self.x[rows.unsqueeze(1), dims.unsqueeze(0)]

    def _put(self, rows: torch.Tensor, dims: torch.Tensor, val: torch.Tensor) -> None:
        # Every dim has one writer, run once per position: assignment, not accumulation.
        self.x[rows.unsqueeze(1), dims.unsqueeze(0)] = val

    def _ensure(self, i: int, pos: np.ndarray) -> None:
        """Make module ``i`` (-1: the embedding) computed at ``pos`` (sorted, unique)."""
        done = self.emb_done if i < 0 else self.done[i]
        new = pos[~done[pos]]
        if new.size == 0:
            return
        if i < 0:
            self._embed(new)
        else:
            for w in self.deps_q[i]:
                self._ensure(w, new)
            m = self.mods[i]
            rows = self._rows(new)
            if isinstance(m, LevelPart):
                self._put(rows, m.out_dims, m.delta_from(self._gather(rows, m.in_dims)))
            else:
                self.x[rows, m.out] = self._head(i, m, new, rows)
        done[new] = True

    def _embed(self, new: np.ndarray) -> None:
        emb = self.net.embedding
        rows = self._rows(new)
        if len(emb.tok_dims):
            self._put(rows, emb.tok_dims, embedding_rows(
                self.tokens[rows], emb.tok_kinds, emb.tok_ts, emb.tok_preds, self.net.dtype))
        self._put(rows, emb.pos_dims, embedding_rows(  # flat row b * L + p is position p
            rows % self.length, emb.pos_kinds, emb.pos_ts, emb.pos_preds, self.net.dtype))

    def _query_values(self, seqs: list[Any], rows: torch.Tensor) -> list[np.ndarray]:
        """The head's query sequences at ``rows``, read off the residual (rounded)."""
        out = []
        for q in seqs:
            v = self.net.sequence_readouts[q.uid]
            y = torch.full((rows.shape[0],), v.const, dtype=torch.float64, device=rows.device)
            for dim, c in v.terms:
                y = y + c * self.x[rows, dim].to(torch.float64)
            out.append(np.rint(y.cpu().numpy()).astype(np.int64))
        return out

    def _head(self, i: int, h: Attention, new: np.ndarray, rows: torch.Tensor) -> torch.Tensor:
        """Head ``h``'s output at query positions ``new``: softmax over sink + candidates."""
        q = self._gather(rows, h.q_dims) @ h.wq.T + h.bq                   # (nq, dh)
        sink = q @ h.sink_k                                                # (nq,)
        node = self.nodes[h.node_uid]
        index = (self.restricted._static_index(node) if isinstance(node, Aggregate)
                 else None)
        L = self.length
        base = new - new % L  # each query's run: its keys are the rows base .. base + L - 1
        if index is None:  # no static component: every key of the query's run is a candidate
            out = torch.empty_like(sink)
            for b0 in np.unique(base):
                at = np.flatnonzero(base == b0)  # this run's queries (a slice: rows sorted)
                sl = slice(int(at[0]), int(at[-1]) + 1)
                k, v = self._keys(i, h, np.arange(b0, b0 + L, dtype=np.int64))
                out[sl] = _dense_softmax(q[sl], sink[sl], k, v, h.sink_v)
            return out
        qvals = self._query_values(self.query_seqs[i], rows)
        _, left, right = self.restricted._query_ranges(index, qvals)
        counts = right - left
        # Outer chunks of whole queries with at most STATIC_PAIR_BUDGET static (query, key)
        # pairs each: the pair index arrays are built per chunk, so a head whose static
        # buckets are large (every write cell, asked by many queries) never materialises all
        # its pairs at once (memory bounded however many write cells Theorem 1's reads see).
        ends = np.concatenate([[0], np.cumsum(counts)])
        out = torch.empty_like(sink)
        qa = 0
        while qa < new.size:
            qb = max(int(np.searchsorted(ends, ends[qa] + STATIC_PAIR_BUDGET, "right")) - 1,
                     qa + 1)
            out[qa:qb] = self._head_chunk(i, h, index, q[qa:qb], sink[qa:qb], left[qa:qb],
                                          counts[qa:qb], [v[qa:qb] for v in qvals],
                                          base[qa:qb])
            qa = qb
        return out

    def _head_chunk(self, i: int, h: Attention, index: Any, q: torch.Tensor,
                    sink: torch.Tensor, left: np.ndarray, counts: np.ndarray,
                    qvals: list[np.ndarray], base: np.ndarray) -> torch.Tensor:
        """The softmax of queries ``q`` (one outer chunk) over their candidate keys: the static
        bucket ``order[left : left + counts]`` of each, in its own run's rows (``base``: the
        run's first flat row), then the token-dependent filter."""
        nq = int(counts.size)
        total = int(counts.sum())
        starts = np.repeat(left - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        flat = np.arange(total, dtype=np.int64) + starts
        pair_k = (flat if index.identity else index.order[flat]) + np.repeat(base, counts)
        pair_q = np.repeat(np.arange(nq), counts)
        if self.dyn_keys[i] and total:
            # Token-dependent equality components, as the restricted evaluator joins them:
            # keep the pairs whose key value (read off the residual at the key) equals the
            # query's -- a pair failing one scores >= gap below the best (module docstring).
            cand = np.unique(pair_k)
            for dep in self.deps_kv[i]:
                self._ensure(dep, cand)
            kvals = self._query_values([seq for _, seq in self.dyn_keys[i]], self._rows(cand))
            at = np.searchsorted(cand, pair_k)
            keep = np.ones(total, dtype=bool)
            for (c, _), kv in zip(self.dyn_keys[i], kvals, strict=True):
                keep &= kv[at] == qvals[c][pair_q]
            pair_k, pair_q = pair_k[keep], pair_q[keep]
            counts = np.bincount(pair_q, minlength=nq)
            total = int(pair_k.size)
        if total == 0:
            return sink * 0.0 + h.sink_v
        keys = np.unique(pair_k)
        k, v = self._keys(i, h, keys)
        # key position -> row of k / v
        pair_kr = torch.as_tensor(np.searchsorted(keys, pair_k), device=q.device)
        pair_qt = torch.as_tensor(pair_q, device=q.device)
        dh = max(int(q.shape[1]), 1)
        out = torch.empty_like(sink)
        # inner chunks of whole queries, each within the pair budget
        ends = np.concatenate([[0], np.cumsum(counts)])
        qa = 0
        while qa < nq:
            qb = max(int(np.searchsorted(ends, ends[qa] + PAIR_BUDGET // dh, "right")) - 1,
                     qa + 1)
            pa, pb = int(ends[qa]), int(ends[qb])
            pq = pair_qt[pa:pb] - qa
            kr = pair_kr[pa:pb]
            s = (q[qa:qb][pq] * k[kr]).sum(-1)
            top = sink[qa:qb].clone()
            top.scatter_reduce_(0, pq, s, reduce="amax", include_self=True)
            w = torch.exp(s - top[pq])
            w_sink = torch.exp(sink[qa:qb] - top)
            den = w_sink.index_add(0, pq, w)
            num = (w_sink * h.sink_v).index_add(0, pq, w * v[kr])
            out[qa:qb] = num / den
            qa = qb
        return out

    def _keys(self, i: int, h: Attention, keys: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """Key and value projections at ``keys`` (their inputs computed there first)."""
        for w in self.deps_kv[i]:
            self._ensure(w, keys)
        rows = self._rows(keys)
        k = self._gather(rows, h.k_dims) @ h.wk.T + h.bk
        v = self._gather(rows, h.v_dims) @ h.wv + h.bv
        return k, v


def _dense_softmax(q: torch.Tensor, sink: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                   sink_v: torch.Tensor) -> torch.Tensor:
    """``softmax([sink, q k^T]) [sink_v, v]`` for every query over every key, in query chunks
    of at most ``PAIR_BUDGET`` scores."""
    out = torch.empty_like(sink)
    step = max(PAIR_BUDGET // max(int(k.shape[0]), 1), 1)
    for a in range(0, int(q.shape[0]), step):
        scores = q[a:a + step] @ k.T
        s = sink[a:a + step]
        top = torch.maximum(scores.amax(dim=-1), s) if scores.shape[-1] else s
        scores.sub_(top.unsqueeze(-1)).exp_()
        w_sink = torch.exp(s - top)
        out[a:a + step] = ((scores @ v.unsqueeze(-1)).squeeze(-1) + w_sink * sink_v) / (
            scores.sum(dim=-1) + w_sink)
    return out
