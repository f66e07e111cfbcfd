"""Parity by an AP-MDM (docs/learned.md, section 1): the process, its encoder program, the
shared-interface construction and the CLI.

* :mod:`.process`      -- vocabulary, canvas, :func:`parity_program` (two local heads), the fast
  :class:`ParityPolicy`, :func:`run_parity`;
* :mod:`.construction` -- :class:`Parity`, the :class:`~constructions.interface.Construction`;
* ``python -m constructions.parity_apmdm 0110101 [--json]`` -- the CLI.
"""

from constructions.parity_apmdm.cli import main
from constructions.parity_apmdm.construction import Parity
from constructions.parity_apmdm.process import (
    BOS,
    MASK,
    NONE,
    ONE,
    PARITY_MAX_LENGTH,
    PARITY_VOCAB,
    ZERO,
    ParityPolicy,
    decode_parity,
    parity_canvas,
    parity_program,
    parity_steps_bound,
    run_parity,
)

__all__ = ["BOS", "MASK", "NONE", "ONE", "PARITY_MAX_LENGTH", "PARITY_VOCAB", "ZERO", "Parity",
           "ParityPolicy", "decode_parity", "main", "parity_canvas", "parity_program",
           "parity_steps_bound", "run_parity"]
