"""``compile_program``: an encoder program -> a :class:`CompiledNetwork` (torch).

Layering follows the encoder's own assignment (docs/encoder.md section 6): sources live in the
embedding; an attention head sits in the attention sublayer right after the MLP sublayer that
finishes its inputs; consecutive elementwise nodes fuse into one MLP sublayer. Differences, each
because a real network needs it: ``length()`` is a head (a count over all positions, the same
normaliser inversion as ``count``); a head's post-processing (the count's inversion, the mean's
floor, the sum's ``(c+1) * m``) runs in the MLP right after it; and the features heads need
(squares, one-hots, thermometers) are computed by the MLP that finishes the sequence, or by the
embedding tables for tokens and positions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from simulators.cli_support import check_memory
from simulators.encoder import Program
from simulators.encoder.interpreter import as_batch
from simulators.encoder.intervals import Interval
from simulators.encoder.sequences import Aggregate, Elementwise, Seq, Source
from simulators.errors import EncoderProgramError, UsageError
from simulators.weights.attention import (
    Features,
    HeadSpec,
    build_features,
    count_from_normaliser,
    feature_needs,
    head_specs,
    post_process,
)
from simulators.weights.mlp import MLPBuilder
from simulators.weights.network import (
    COL_ONEHOT,
    COL_SQUARE,
    COL_THERMO,
    COL_VALUE,
    Attention,
    Embedding,
    MLPLevel,
    torch_threads,
)
from simulators.weights.realise import realise
from simulators.weights.values import Residual, Val

#: Default score margin (inverse temperature): the winning key out-scores every other key by at
#: least this much, so the others get weight <= e^-50 (float64 outputs stay within 1e-6).
DEFAULT_GAP = 50.0

DTYPES = {"float64": torch.float64, "float32": torch.float32, "bfloat16": torch.bfloat16}


def _slots(program: Program) -> tuple[dict[int, int], dict[int, int]]:
    """(MLP slot where each sequence's value is final, attention slot of each head)."""
    m: dict[int, int] = {}
    a: dict[int, int] = {}
    for node in program.nodes:
        if isinstance(node, Source):
            if node.kind == "length":
                a[node.uid], m[node.uid] = 1, 2
            else:
                m[node.uid] = 0
        elif isinstance(node, Elementwise):
            m[node.uid] = max([2] + [m[c.uid] for c in node.children()])
        else:
            assert isinstance(node, Aggregate)
            # random sources used as keys/queries get their features in MLP 2
            feat = [max(m[c.uid], 2 if _is_random(c) else 0) for c in node.selector.children()]
            a[node.uid] = max(feat + [m[node.values.uid]]) + 1
            m[node.uid] = a[node.uid] + 1
    return m, a


def _is_random(seq: Seq) -> bool:
    return isinstance(seq, Source) and seq.kind == "random"


class CompiledNetwork(nn.Module):
    """The network of one program: ``evaluate(canvas)`` equals ``program.evaluate(canvas)``."""

    def __init__(self, program: Program, max_length: int, gap: float, dtype: torch.dtype,
                 embedding: Embedding, sublayers: list[tuple[str, list[Any]]],
                 readouts: dict[str, Val], residual: Residual, random_sources: list[Any],
                 tok_range: tuple[int, int] | None) -> None:
        super().__init__()
        self.program = program
        self.max_length = max_length
        self.gap = gap
        self.dtype = dtype
        self.embedding = embedding
        self.kinds = [k for k, _ in sublayers]
        self.sublayers = nn.ModuleList(nn.ModuleList(mods) for _, mods in sublayers)
        # the same modules as plain lists (typed iteration)
        self.stack: list[tuple[str, list[Any]]] = [(k, list(m)) for k, m in sublayers]
        self.residual_names = list(residual.names)
        self.residual_lo, self.residual_hi = list(residual.lo), list(residual.hi)
        self.readouts = readouts
        self.random_sources = random_sources
        self.tok_range = tok_range
        self.sequence_readouts: dict[int, Val] = {}
        #: torch intra-op threads while evaluating (None: the caller's setting). One by default:
        #: the ops are small and extra threads only synchronise (measured, docs/compiler.md
        #: "Speed": Theorem 4 prefix_sum n = 32, loaded 2-core box, 20.5 s vs 238 s with two).
        self.threads: int | None = 1
        self.everywhere = self._modules_needed_everywhere()
        for name, v in readouts.items():
            self.register_buffer(f"ro_dims_{name}", torch.as_tensor(v.dims, dtype=torch.long))
            self.register_buffer(f"ro_coef_{name}",
                                 torch.as_tensor([c for _, c in v.terms], dtype=dtype))

    def _modules_needed_everywhere(self) -> set[int]:
        """ids of the modules whose outputs some head reads as a key or value.

        Queries are evaluated only where a decision can change (``evaluate(..., positions=)``),
        but keys and values come from the whole canvas, as the network prescribes; so a module
        must run at every position iff a key/value projection depends on what it writes.
        """
        needed: set[int] = set()
        for _, mods in self.stack:
            for m in mods:
                if isinstance(m, Attention):
                    needed |= set(m.k_dims.tolist()) | set(m.v_dims.tolist())
        everywhere: set[int] = set()
        for _, mods in reversed(self.stack):
            for m in mods:
                writes = {m.out} if isinstance(m, Attention) else set(m.out_dims.tolist())
                if writes & needed:
                    everywhere.add(id(m))
                    if isinstance(m, Attention):
                        needed |= set(m.q_dims.tolist())
                    else:
                        needed |= set(m.in_dims.tolist())
        return everywhere

    # ------------------------------------------------------------------ running

    @torch.no_grad()
    def forward(self, tokens: torch.Tensor, noise: torch.Tensor | None = None,
                rows: torch.Tensor | None = None) -> torch.Tensor:
        """The final residual stream ``(B, L, d_model)``; with ``rows``, exact at those
        positions only (the rest of each row holds what the keys and values needed)."""
        x = self.embedding(tokens, noise)
        # In place (no autograd here): one residual tensor, updated column block by block.
        for kind, mods in self.stack:
            if kind == "attn":
                outs: list[tuple[Any, torch.Tensor, torch.Tensor | None]] = []
                for head in mods:
                    if rows is None or id(head) in self.everywhere:
                        outs.append((head, head(x), None))
                    else:
                        outs.append((head, head(x, rows), rows))
                for head, o, at in outs:
                    if at is None:
                        x[..., head.out] += o
                    else:
                        x[:, at, head.out] += o
            else:
                for level in mods:
                    if rows is None or id(level) in self.everywhere:
                        x.index_add_(2, level.out_dims, level.delta(x))
                    else:
                        sub = x[:, rows]
                        sub.index_add_(2, level.out_dims, level.delta(sub))
                        x[:, rows] = sub
        return x

    def readout(self, x: torch.Tensor, name: str) -> torch.Tensor:
        v = self.readouts[name]
        dims, coef = getattr(self, f"ro_dims_{name}"), getattr(self, f"ro_coef_{name}")
        return x[..., dims] @ coef + v.const if len(dims) else torch.full(
            x.shape[:-1], v.const, dtype=x.dtype, device=x.device)

    def _inputs(self, canvas: np.ndarray, rng: np.random.Generator | None
                ) -> tuple[np.ndarray, bool, torch.Tensor, torch.Tensor | None]:
        batch, single = as_batch(canvas, self.max_length)
        if self.tok_range is not None and batch.size:
            lo, hi = int(batch.min()), int(batch.max())
            if lo < self.tok_range[0] or hi > self.tok_range[1]:
                raise UsageError(f"canvas holds token ids {lo}..{hi} outside the declared range "
                                 f"tokens({self.tok_range[0]}, {self.tok_range[1]})")
        dev = self.embedding.noise_dims.device
        noise = None
        if self.random_sources:
            if rng is None:
                raise EncoderProgramError("the program draws random inputs; pass rng=")
            # Same draws, same order as the interpreter (node order, one (B, L) array each).
            draws = [rng.integers(int(s.lo), int(s.hi), size=batch.shape, endpoint=True,
                                  dtype=np.int64) for s in self.random_sources]
            noise = torch.as_tensor(np.stack(draws, axis=-1), device=dev)
        return batch, single, torch.as_tensor(np.array(batch), device=dev), noise

    def sparse_evaluator(self) -> Any:
        """The network's :class:`~simulators.weights.sparse.SparseEvaluator` (built once), or
        None when the program is outside its domain (non-equality heads, random sources)."""
        if "_sparse" not in self.__dict__:
            from simulators.weights.sparse import SparseEvaluator

            try:
                self.__dict__["_sparse"] = SparseEvaluator(self)
            except EncoderProgramError:
                self.__dict__["_sparse"] = None
        return self.__dict__["_sparse"]

    @torch.no_grad()
    def evaluate_float(self, canvas: np.ndarray, rng: np.random.Generator | None = None, *,
                       positions: np.ndarray | None = None,
                       sparse: bool = True) -> dict[str, np.ndarray]:
        """The output heads before rounding (float64 numpy), shaped like ``canvas`` -- or, with
        ``positions``, ``(..., len(positions))`` at those positions only.

        With ``positions`` on one canvas, ``sparse`` (default) computes each module only where
        it is needed and each head over its candidate keys (docs/compiler.md, "Speed"; where the
        program allows it); ``sparse=False`` is the dense forward, the definition."""
        if positions is not None and sparse and np.ndim(canvas) == 1:
            ev = self.sparse_evaluator()
            if ev is not None:
                return ev.evaluate_float(canvas, positions)
        _, single, tokens, noise = self._inputs(canvas, rng)
        rows = None
        if positions is not None:
            rows = torch.as_tensor(np.asarray(positions, dtype=np.int64),
                                   device=tokens.device)
        with torch_threads(self.threads):
            x = self.forward(tokens, noise, rows)
        if rows is not None:
            x = x[:, rows]
        out = {}
        for name in self.readouts:
            y = self.readout(x, name).to(torch.float64).cpu().numpy()
            out[name] = y[0] if single else y
        return out

    def evaluate(self, canvas: np.ndarray, rng: np.random.Generator | None = None, *,
                 positions: np.ndarray | None = None,
                 sparse: bool = True) -> dict[str, np.ndarray]:
        """Output name -> int64 array, like :meth:`Program.evaluate` (rounded output heads);
        ``positions``: evaluate the queries there only, like the encoder's restricted mode
        (``sparse``: see :meth:`evaluate_float`)."""
        return {k: np.rint(v).astype(np.int64) for k, v in self.evaluate_float(
            canvas, rng, positions=positions, sparse=sparse).items()}

    @torch.no_grad()
    def inspect(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                ) -> dict[str, np.ndarray]:
        """Every named residual dimension's values on ``canvas`` (the named subspaces)."""
        _, single, tokens, noise = self._inputs(canvas, rng)
        x = self.forward(tokens, noise).to(torch.float64).cpu().numpy()
        x = x[0] if single else x
        return {name: x[..., i] for i, name in enumerate(self.residual_names)}

    @torch.no_grad()
    def sequence_values(self, canvas: np.ndarray, rng: np.random.Generator | None = None
                        ) -> dict[int, np.ndarray]:
        """Every program sequence (by uid) read off the final residual stream, unrounded --
        what :meth:`Program.evaluate_all` computes, for debugging and teaching."""
        _, single, tokens, noise = self._inputs(canvas, rng)
        x = self.forward(tokens, noise).to(torch.float64).cpu().numpy()
        out = {}
        for uid, v in self.sequence_readouts.items():
            y = np.full(x.shape[:-1], v.const)
            for d, c in v.terms:
                y = y + c * x[..., d]
            out[uid] = y[0] if single else y
        return out

    # ------------------------------------------------------------------ accounting

    def size(self) -> dict[str, Any]:
        """The network's sizes (``docs/compiler.md``, "Sizes").

        ``attention_layers`` / ``mlp_layers``: sublayers of each kind in the stack;
        ``relu_depth``: ReLU layers in all MLP sublayers together; ``heads``: most heads in one
        attention sublayer; ``d_model``: residual dimensions; ``max_hidden_width``: widest ReLU
        layer; ``parameters``: of the dense network (every projection over the full residual).
        """
        d = len(self.residual_names)
        attn = [m for k, m in self.stack if k == "attn"]
        mlps = [m for k, m in self.stack if k == "mlp"]
        levels = [lv for m in mlps for lv in m]
        # embedding tables as a dense transformer holds them: one d_model row per id/position
        params = (self.embedding.vocab_rows + self.max_length) * d
        stored = 3 * int(len(self.embedding.tok_kinds) + len(self.embedding.pos_kinds))
        for m in attn:
            for h in m:
                dh = int(h.wq.shape[0])
                params += 2 * (d * dh + dh) + (d + 1) + dh + 1 + d
                stored += sum(int(p.numel()) for p in h.parameters())
        for lv in levels:
            params += d * lv.width + lv.width + lv.width * d
            stored += sum(int(p.numel()) for p in lv.parameters())
        params += sum(d + 1 for _ in self.readouts)
        cost = self.program.cost()
        return {"depth": int(cost.depth), "attention_layers": len(attn), "mlp_layers": len(mlps),
                "heads": max((len(m) for m in attn), default=0), "width_bits": int(cost.width_bits),
                "relu_depth": len(levels), "d_model": d,
                "max_hidden_width": max((lv.width for lv in levels), default=0),
                "parameters": params, "stored_parameters": stored,
                "dtype": str(self.dtype).replace("torch.", ""), "gap": self.gap}


# ---------------------------------------------------------------------------- compiler


def _dims_matrix(vals: list[Val]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The readouts as a matrix over the residual columns they read (others are zero)."""
    dims = sorted({d for v in vals for d in v.dims})
    col = {d: j for j, d in enumerate(dims)}
    mat = np.zeros((len(vals), len(dims)))
    for i, v in enumerate(vals):
        for d, c in v.terms:
            mat[i, col[d]] = c
    return dims, mat, np.array([v.const for v in vals], dtype=np.float64)


class _WeightMemory:
    """Running estimate of the weight matrices' bytes, checked *before* each one is allocated
    (they are stored over the residual columns they read, which for some programs grows like
    S^2: Theorem 1 sort at n = 8, S = 36,881, needs ~10^10 entries and was OOM-killed at 23 GB
    instead of being refused)."""

    def __init__(self, dtype: torch.dtype, length: int) -> None:
        self.per_entry = 8 + torch.empty(0, dtype=dtype).element_size()  # numpy + torch copy
        self.length = length
        self.total = 0.0

    def reserve(self, entries: int) -> None:
        self.total += entries * self.per_entry
        check_memory(self.total, what=f"the weight matrices of this network up to the layer "
                     f"being built (canvas bound S = {self.length:,})")


def _distinct_dims(vals: list[Val]) -> int:
    return len({d for v in vals for d in v.dims})


def _attention(spec: HeadSpec, dtype: torch.dtype, node_uid: int,
               memory: _WeightMemory | None = None) -> Attention:
    qs = [q for q, _ in spec.pairs] + [Val.constant(1.0)]
    ks = [k for _, k in spec.pairs] + [Val.constant(0.0)]
    if memory is not None:
        memory.reserve(len(qs) * (_distinct_dims(qs) + _distinct_dims(ks) + 2)
                       + _distinct_dims([spec.value]))
    q_dims, wq, bq = _dims_matrix(qs)
    k_dims, wk, bk = _dims_matrix(ks)
    v_dims, wv, bv = _dims_matrix([spec.value])
    sink_k = [0.0] * len(spec.pairs) + [spec.sink_score]
    head = Attention(spec.name, q_dims, wq, bq, k_dims, wk, bk, v_dims, wv[0], float(bv[0]),
                     sink_k, spec.sink_value, spec.out, dtype)
    head.node_uid = node_uid  # the program node it realises (the sparse path's candidates)
    return head


def _levels(b: MLPBuilder, dtype: torch.dtype, memory: _WeightMemory | None = None
            ) -> list[MLPLevel]:
    out = []
    for i, lev in enumerate(b.levels):
        if memory is not None:
            memory.reserve(len(lev.pre) * (_distinct_dims(lev.pre) + 1 + len(lev.writes)))
        in_dims, w_in, b_in = _dims_matrix(lev.pre)
        out_dims = sorted(lev.writes)
        w_out = np.zeros((len(out_dims), len(lev.pre)))
        for r, d in enumerate(out_dims):
            for unit, c in lev.writes[d]:
                w_out[r, unit] += c
        out.append(MLPLevel(f"{b.name}.{i + 1}", in_dims, w_in, b_in, out_dims, w_out, dtype))
    return out


def compile_program(program: Program, *, max_length: int | None = None,
                    dtype: torch.dtype | str = torch.float64, device: str = "cpu",
                    gap: float = DEFAULT_GAP) -> CompiledNetwork:
    """Compile a validated encoder program into a :class:`CompiledNetwork`.

    ``max_length``: the longest canvas the network accepts (default and maximum: the program's
    own); ``gap``: the attention score margin (inverse temperature); ``dtype``: float64 is exact
    on every program the tests try, float32/bfloat16 only up to sizes measured in
    docs/compiler.md.
    """
    if not isinstance(program, Program):
        raise EncoderProgramError(f"expected a Program, got {type(program).__name__}")
    if isinstance(dtype, str):
        if dtype not in DTYPES:
            raise UsageError(f"unknown dtype {dtype!r}; use one of {sorted(DTYPES)}")
        dtype = DTYPES[dtype]
    S = program.max_length if max_length is None else int(max_length)
    if not 1 <= S <= program.max_length:
        raise UsageError(f"max_length={S} must lie in 1..{program.max_length} (the program's)")
    ranges = program.ranges
    nodes = program.nodes
    m_slot, a_slot = _slots(program)
    res = Residual()
    vals: dict[int, Val] = {}
    feats = Features()
    name = program.name_of

    # which features each sequence needs (for the heads that read it)
    needs: dict[int, list[tuple]] = {}
    for node in nodes:
        if isinstance(node, Aggregate):
            for nd in feature_needs(node, ranges):
                needs.setdefault(nd[1], [])
                if nd not in needs[nd[1]]:
                    needs[nd[1]].append(nd)

    # ---- embedding: tokens, positions (with their features), noise, constants
    idx_src = next((n for n in nodes if isinstance(n, Source) and n.kind == "indices"), None)
    tok_src = [n for n in nodes if isinstance(n, Source) and n.kind == "tokens"]
    tok_range = None
    tok_dims: list[int] = []
    tok_cols: list[tuple[int, int, int]] = []
    if tok_src:
        tok_range = (min(ranges[t.uid].lo for t in tok_src),
                     max(ranges[t.uid].hi for t in tok_src))
        for t in tok_src:
            r = ranges[t.uid]
            d = res.alloc(name(t), r.lo, r.hi)
            vals[t.uid] = Val.dim(d)
            tok_dims.append(d)
            tok_cols.append((COL_VALUE, 0, 0))
            for nd in needs.get(t.uid, []):
                for key, t_, fv in _feature_columns(nd, r):
                    d = res.alloc(f"{name(t)}.{key}", *fv)
                    tok_dims.append(d)
                    tok_cols.append(_column(nd, t_, r))
                    _register_feature(feats, (nd, t_), d)
    pos_dims: list[int] = []
    pos_cols: list[tuple[int, int, int]] = []
    d = res.alloc(name(idx_src) if idx_src is not None else "position", 0, S - 1)
    idx_val = Val.dim(d)
    pos_dims.append(d)
    pos_cols.append((COL_VALUE, 0, 0))
    if idx_src is not None:
        vals[idx_src.uid] = idx_val
        for nd in needs.get(idx_src.uid, []):
            for key, t_, fv in _feature_columns(nd, ranges[idx_src.uid]):
                d = res.alloc(f"{name(idx_src)}.{key}", *fv)
                pos_dims.append(d)
                pos_cols.append(_column(nd, t_, ranges[idx_src.uid]))
                _register_feature(feats, (nd, t_), d)
    randoms = [n for n in nodes if _is_random(n)]
    noise_dims = []
    for n in randoms:
        d = res.alloc(name(n), ranges[n.uid].lo, ranges[n.uid].hi)
        vals[n.uid] = Val.dim(d)
        noise_dims.append(d)
    for n in nodes:
        if isinstance(n, Source) and n.kind == "const":
            vals[n.uid] = Val.constant(float(ranges[n.uid].lo))
            for nd in needs.get(n.uid, []):
                build_features(None, nd, vals[n.uid], ranges[n.uid], feats, name(n))
    # ---- sublayers
    top = max(list(m_slot.values()) + [0])
    sublayers: list[tuple[str, list[Any]]] = []
    memory = _WeightMemory(dtype, S)
    raws: dict[int, dict[str, int]] = {}
    for s in range(1, top + 1):
        if s % 2 == 1:
            mods: list[Any] = []
            for node in nodes:
                if a_slot.get(node.uid) != s:
                    continue
                if isinstance(node, Source):  # length(): a count over every position
                    z = res.alloc(f"{name(node)}.z", 0.0, 1.0)
                    raws[node.uid] = {"z": z}
                    mods.append(_attention(HeadSpec(f"{name(node)}.count", [], 0.0,
                                                    Val.constant(0.0), 1.0, z), dtype,
                                           node.uid, memory))
                    continue
                assert isinstance(node, Aggregate)
                specs, raw = head_specs(node, vals, ranges, feats, idx_val, S, gap, res,
                                        name(node))
                raws[node.uid] = raw
                mods += [_attention(sp, dtype, node.uid, memory) for sp in specs]
            if mods:
                sublayers.append(("attn", mods))
            continue
        b = MLPBuilder(res, f"mlp{s // 2}")
        for node in nodes:
            if m_slot[node.uid] != s:
                continue
            nm = name(node)
            if isinstance(node, Source):  # length
                z_val = Val.dim(raws[node.uid]["z"])
                vals[node.uid], _, _ = count_from_normaliser(b, z_val, S, nm)
            elif isinstance(node, Aggregate):
                vals[node.uid] = post_process(b, node, raws[node.uid], ranges, S, nm)
            else:
                assert isinstance(node, Elementwise)
                vals[node.uid] = realise(b, node.prim, [vals[c.uid] for c in node.args],
                                         [ranges[c.uid] for c in node.args], ranges[node.uid],
                                         node.params, nm)
        for node in nodes:
            feat_slot = 2 if _is_random(node) else m_slot[node.uid]
            if feat_slot == s and not (isinstance(node, Source) and node.kind in (
                    "tokens", "indices", "const")):
                for nd in needs.get(node.uid, []):
                    build_features(b, nd, vals[node.uid], ranges[node.uid], feats, name(node))
        if b.levels:
            sublayers.append(("mlp", _levels(b, dtype, memory)))
    embedding = Embedding(tok_dims, tok_cols, tok_range or (0, -1), pos_dims, pos_cols, S,
                          noise_dims, len(res), dtype)
    readouts = {k: vals[seq.uid] for k, seq in program.outputs.items()}
    net = CompiledNetwork(program, S, gap, dtype, embedding, sublayers, readouts, res, randoms,
                          tok_range)
    net.sequence_readouts = {n.uid: vals[n.uid] for n in nodes}
    return net.to(device)


def _feature_columns(nd: tuple, r: Interval) -> list[tuple[str, int, tuple[float, float]]]:
    """Embedding columns for one feature need: (label, threshold, (lo, hi)) each."""
    if nd[0] == "sq":
        return [("sq", 0, (0.0, float((r.hi - r.lo) ** 2)))]
    if nd[0] == "oh":
        return [(f"=={t}", t, (0.0, 1.0)) for t in range(max(nd[2], r.lo), min(nd[3], r.hi) + 1)]
    return [(f"[{t}{nd[2]}]", t, (0.0, 1.0)) for t in range(nd[3], nd[4] + 1)]


def _column(nd: tuple, t: int, r: Interval) -> tuple[int, int, int]:
    """The embedding column (kind, t, pred) of one feature of a token / position."""
    if nd[0] == "sq":
        return (COL_SQUARE, r.lo, 0)
    if nd[0] == "oh":
        return (COL_ONEHOT, t, 0)
    return (COL_THERMO, t, ("<", "<=", ">", ">=").index(nd[2]))


def _register_feature(feats: Features, nd: tuple, dim: int) -> None:
    need, t = nd
    uid = need[1]
    if need[0] == "sq":
        feats.square[uid] = Val.dim(dim)
    elif need[0] == "oh":
        feats.onehot[(uid, t)] = Val.dim(dim)
    else:
        feats.thermo[(uid, need[2], t)] = Val.dim(dim)
