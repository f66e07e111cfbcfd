"""Theorem 3: any one-token-per-step MDM policy, re-run as a Masked-ARM (leftmost-1 order).

docs/paper.md §2, Theorem 3: with tokens-per-step and the architecture held fixed, any-order
generation adds no power. :func:`build_masked_arm` turns an MDM encoder program into a Masked-ARM
encoder program (constant extra depth) whose canvas logs the MDM's decisions as position-tagged
tokens and rebuilds the MDM canvas by attention at every step; :func:`simulate` runs both and
compares.
See ``docs/theorem3.md``; demo: ``python -m constructions.masked_arm demo``.

* ``layout.py``           -- canvas regions, tagged token ids, decoding results
* ``vocab.py``            -- the Masked-ARM vocabulary (readable ``p@token`` names)
* ``rewrite.py``          -- re-targeting the wrapped program onto the original region
* ``program.py``          -- the Masked-ARM's per-step program around it
* ``simulate.py``         -- run the MDM and its Masked-ARM, compare, report depth and context
* ``example_policies.py`` -- random one-token-per-step MDM programs (checks and demo)
"""

from constructions.masked_arm.construction import Theorem3
from constructions.masked_arm.layout import MaskedArmLayout
from constructions.masked_arm.program import EXTRA_DEPTH_BOUND, MaskedArm, build_masked_arm
from constructions.masked_arm.rewrite import retarget
from constructions.masked_arm.vocab import TaggedVocab, mdm_id_range

__all__ = ["EXTRA_DEPTH_BOUND", "MaskedArm", "MaskedArmLayout", "TaggedVocab", "Theorem3",
           "build_masked_arm", "mdm_id_range", "retarget"]
