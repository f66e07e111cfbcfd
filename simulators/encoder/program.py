"""``Program``: a validated encoder program with named outputs (one decoding step's ``f``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from simulators.encoder.attention_dense import DEFAULT_MAX_DENSE_CELLS
from simulators.encoder.interpreter import as_batch, evaluate_nodes
from simulators.encoder.intervals import Interval
from simulators.encoder.layers import Cost, assign_sublayers, compute_cost, serial_cost
from simulators.encoder.sequences import Seq, Source
from simulators.encoder.validate import collect, infer_ranges
from simulators.errors import EncoderProgramError

if TYPE_CHECKING:
    from simulators.encoder.restricted import RestrictedEvaluator

# Refuse absurd canvas sizes up front (positions are int64 and sorted in memory).
MAX_PROGRAM_LENGTH = 1 << 30


class Program:
    """A validated DAG of sequences with named outputs, for canvases of length <= max_length.

    Construction runs the validator (:mod:`.validate`): every sequence gets a value range, and an
    ill-formed program raises :class:`~simulators.errors.EncoderProgramError` with a reason.
    """

    def __init__(self, outputs: Mapping[str, Seq], max_length: int, *,
                 name: str = "program") -> None:
        if not isinstance(outputs, Mapping) or not outputs:
            raise EncoderProgramError("Program needs a non-empty dict name -> sequence of outputs")
        for key, seq in outputs.items():
            if not isinstance(key, str) or not isinstance(seq, Seq):
                raise EncoderProgramError(f"Program output {key!r} must map a str to a sequence")
        if isinstance(max_length, bool) or not isinstance(max_length, int | np.integer):
            raise EncoderProgramError(f"max_length must be an integer, got {max_length!r}")
        if not 1 <= int(max_length) <= MAX_PROGRAM_LENGTH:
            raise EncoderProgramError(
                f"max_length={max_length} outside 1..{MAX_PROGRAM_LENGTH}")
        self.name = name
        self.max_length = int(max_length)
        self.outputs: dict[str, Seq] = dict(outputs)
        self.nodes: list[Seq] = collect(self.outputs.values())
        self.ranges: dict[int, Interval] = infer_ranges(self.nodes, self.max_length)
        self.sublayers: dict[int, int] = assign_sublayers(self.nodes)
        # Program-local names for unnamed sequences (stable whatever was built before).
        self.names: dict[int, str] = {
            n.uid: n.label or f"s{i}" for i, n in enumerate(self.nodes)}
        # The engines charge serial_cost at every decoding step (Theorem 2 accounting); the
        # program never changes after validation, so one derivation per length suffices.
        self._serial_costs: dict[int, int] = {}
        self._restricted_evaluator: RestrictedEvaluator | None = None

    def name_of(self, seq: Seq) -> str:
        """The sequence's label, or ``s<k>`` with ``k`` its index in this program."""
        return self.names.get(seq.uid, seq.name)

    # ------------------------------------------------------------------ inspection

    def range(self, seq: Seq | str) -> Interval:
        """Declared/propagated value range of a sequence of the program (or of an output name)."""
        node = self.outputs[seq] if isinstance(seq, str) else seq
        if node.uid not in self.ranges:
            raise EncoderProgramError(f"{node.name} is not part of program {self.name!r}")
        return self.ranges[node.uid]

    @property
    def is_stochastic(self) -> bool:
        """Whether the program reads :func:`random_uniform` inputs."""
        return any(isinstance(n, Source) and n.kind == "random" for n in self.nodes)

    def cost(self) -> Cost:
        """Depth, layers, heads and width of the program as a transformer (see :class:`Cost`)."""
        return compute_cost(self.nodes, list(self.outputs.values()), self.ranges,
                            self.max_length)

    def serial_cost(self, length: int) -> int:
        """Scalar operations of one dense evaluation on a canvas of ``length`` (Theorem 2)."""
        if length not in self._serial_costs:
            self._serial_costs[length] = serial_cost(self.nodes, self.ranges, length)
        return self._serial_costs[length]

    # ------------------------------------------------------------------ evaluation

    def evaluate(self, canvas: ArrayLike, *, path: str = "fast",
                 rng: np.random.Generator | None = None,
                 max_dense_cells: int | None = DEFAULT_MAX_DENSE_CELLS,
                 positions: np.ndarray | None = None,
                 names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
        """Output name -> int64 array shaped like ``canvas`` ((L,) or (B, L)).

        ``positions`` (one 1-D canvas only): compute the outputs at those positions only -- the
        *restricted* mode (:mod:`.restricted`): attention still reads keys and values from the
        whole canvas, so the values equal the full evaluation's at those positions; the result
        arrays are shaped like ``positions``. ``names`` limits which outputs are computed there.

        ``path="fast"`` uses the sort-based attention (dense for tiny heads, where it is cheaper);
        ``path="join"`` the sort-based attention wherever the selector allows; ``path="dense"``
        the O(L^2) reference. All three give identical results.
        ``rng`` feeds :func:`random_uniform` sources (required when the program has any).
        ``max_dense_cells`` bounds the work of any head evaluated densely (``B*L*L`` cells; a
        head beyond it raises :class:`~simulators.errors.LimitExceeded`; ``None``: no bound).
        """
        if positions is not None:
            return self._restricted().evaluate(np.asarray(canvas), positions, names)
        batch, single = as_batch(canvas, self.max_length)
        keep = {s.uid for s in self.outputs.values()}
        vals = evaluate_nodes(self.nodes, self.ranges, batch, path=path, rng=rng, keep=keep,
                              max_dense_cells=max_dense_cells)
        out = {}
        for key, seq in self.outputs.items():
            v = np.array(vals[seq.uid], dtype=np.int64)
            out[key] = v[0] if single else v
        return out

    def _restricted(self) -> RestrictedEvaluator:
        """The restricted evaluator of this program (built once: it caches static indexes)."""
        if self._restricted_evaluator is None:
            from simulators.encoder.restricted import RestrictedEvaluator

            self._restricted_evaluator = RestrictedEvaluator(self)
        return self._restricted_evaluator

    def evaluate_all(self, canvas: ArrayLike, *, path: str = "fast",
                     rng: np.random.Generator | None = None) -> dict[Seq, np.ndarray]:
        """Every intermediate sequence's values (for debugging and teaching)."""
        batch, single = as_batch(canvas, self.max_length)
        vals = evaluate_nodes(self.nodes, self.ranges, batch, path=path, rng=rng)
        return {n: (np.array(vals[n.uid][0]) if single else np.array(vals[n.uid]))
                for n in self.nodes}

    # ------------------------------------------------------------------ dumps

    def dump(self) -> str:
        """Readable listing: one line per sequence with its sublayer, range and bits."""
        from simulators.encoder.dump import dump_program
        return dump_program(self)

    def explain(self, canvas: np.ndarray, *, max_positions: int = 32,
                rng: np.random.Generator | None = None) -> str:
        """The listing plus every sequence's values on ``canvas`` (first ``max_positions``)."""
        from simulators.encoder.dump import explain_program
        return explain_program(self, canvas, max_positions=max_positions, rng=rng)

    def __repr__(self) -> str:
        return (f"Program({self.name!r}, outputs={list(self.outputs)}, "
                f"max_length={self.max_length}, sequences={len(self.nodes)})")
