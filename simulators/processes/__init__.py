"""The generation processes of the paper: ARM, MDM, Masked-ARM and AP-MDM.

One short file per piece (docs/paper.md §1, docs/interfaces.md):

* ``vocab.py``       -- :class:`Vocab`, :class:`IntVocab` (ids <-> names, mask, BOS/EOS)
* ``transition.py``  -- :func:`apmdm_transition`, Algorithm 1's ``g`` (the only implementation)
* ``decisions.py``   -- :class:`MDMDecision`, :class:`APMDMDecision` (what policies return)
* ``fill_rules.py``  -- which masks an MDM step fills (policy-chosen, top-k, threshold, ...)
* ``arm.py`` / ``mdm.py`` / ``apmdm.py`` -- the engines, each returning a :class:`Trace`
* ``trace.py`` / ``halting.py`` / ``trace_json.py`` / ``render.py`` -- the record of a run

See docs/processes.md for worked examples of ``g``, the trace JSON schema and how to write a
policy.
"""

from simulators.processes.apmdm import run_apmdm
from simulators.processes.arm import run_arm
from simulators.processes.decisions import APMDMDecision, InvalidDecision, MDMDecision, Policy
from simulators.processes.fill_rules import (
    FillRule,
    LeftmostK,
    PolicyChosen,
    RandomK,
    Threshold,
    TopK,
)
from simulators.processes.halting import HaltReason
from simulators.processes.mdm import run_masked_arm, run_mdm
from simulators.processes.render import render_trace, trace_to_text
from simulators.processes.trace import StepRecord, Trace
from simulators.processes.transition import (
    apmdm_transition,
    apmdm_transition_batch,
    transition_length,
)
from simulators.processes.vocab import BaseVocab, IntVocab, Vocab

__all__ = [
    "APMDMDecision",
    "BaseVocab",
    "FillRule",
    "HaltReason",
    "IntVocab",
    "InvalidDecision",
    "LeftmostK",
    "MDMDecision",
    "Policy",
    "PolicyChosen",
    "RandomK",
    "StepRecord",
    "Threshold",
    "TopK",
    "Trace",
    "Vocab",
    "apmdm_transition",
    "apmdm_transition_batch",
    "run_apmdm",
    "run_arm",
    "run_masked_arm",
    "run_mdm",
    "render_trace",
    "trace_to_text",
    "transition_length",
]
