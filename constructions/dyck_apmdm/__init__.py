"""Theorem 5 made executable: a stochastic AP-MDM (with a BOS anchor) whose set of possible
outputs is exactly two-sided Dyck-k, plus the one-sided variant. See ``docs/theorem5.md``.

* :mod:`layout`  -- token ids, vocabulary, canvas phases, committed length;
* :mod:`program` -- the per-step network ``f`` as an encoder program (depth 3, independent of n);
* :mod:`process` -- :class:`DyckAPMDM`: policy for ``run_apmdm``, :func:`sample`, the choice menu;
* :mod:`support` -- exhaustive support exploration (networkx state graph, guarded);
* ``python -m constructions.dyck_apmdm {sample,support}`` -- the CLI.
"""

from constructions.dyck_apmdm.construction import Theorem5
from constructions.dyck_apmdm.layout import DyckLayout
from constructions.dyck_apmdm.process import DyckAPMDM, Menu, sample
from constructions.dyck_apmdm.program import build_program, insert_fraction
from constructions.dyck_apmdm.support import Support, explore_support, support_counts

__all__ = [
    "DyckAPMDM",
    "DyckLayout",
    "Menu",
    "Support",
    "Theorem5",
    "build_program",
    "explore_support",
    "insert_fraction",
    "sample",
    "support_counts",
]
