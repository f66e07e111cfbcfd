"""Theorem 1 made executable: an MDM that simulates any compiled ``.pram`` program.

Read in this order (each file is one part of the proof; docs/theorem1.md walks through them):

* :mod:`.layout`   -- the canvas: input cells, T(n) blocks of P(n) records of K tokens, outputs;
  the exact context length S(n) (also symbolically, :mod:`.symbolic`).
* :mod:`.program`  -- the per-step network (one encoder program, depth independent of n);
  :mod:`.alu` its arithmetic unit, :mod:`.ops` the encoder operations it is written in.
* :mod:`.build`    -- the MDM: layout + network + fill rule as policies for the MDM engine;
  its fast policy evaluates the network only where a fill is possible (the encoder's
  restricted mode, :mod:`simulators.encoder.restricted`).
* :mod:`.simulate` / :mod:`.decode` -- run it, read states and outputs back.
* :mod:`.cli` -- ``python -m constructions.pram_mdm run FILE --input A=3,1,4 [--json] [--show]``.
"""

from constructions.pram_mdm.build import FastPolicy, PramMDM, build_pram_mdm
from constructions.pram_mdm.construction import Theorem1
from constructions.pram_mdm.decode import BlockState, decode_block, decode_outputs, end_block
from constructions.pram_mdm.layout import Layout, make_layout
from constructions.pram_mdm.simulate import MDMRunResult, run_built, simulate

__all__ = [
    "BlockState",
    "FastPolicy",
    "Layout",
    "MDMRunResult",
    "PramMDM",
    "Theorem1",
    "build_pram_mdm",
    "decode_block",
    "decode_outputs",
    "end_block",
    "make_layout",
    "run_built",
    "simulate",
]
