"""Moved: :mod:`simulators.testing.mdm_programs` (lifted random programs) and
:mod:`constructions.masked_arm.cases` (the example programs); this name is kept for older
imports."""

from constructions.masked_arm.cases import example_mdm_cases
from simulators.testing.mdm_programs import LIFTED_VOCAB, lift_to_mdm, lifted_mdm_cases

__all__ = ["LIFTED_VOCAB", "example_mdm_cases", "lift_to_mdm", "lifted_mdm_cases"]
