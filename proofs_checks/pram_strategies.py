"""Moved: the random PRAM program strategies live in :mod:`simulators.testing` (exported for
users). This name is kept so older imports keep working; new code imports from there."""

from simulators.testing.pram_programs import MODELS, VALUE_MOD, PramCase, pram_cases

__all__ = ["MODELS", "VALUE_MOD", "PramCase", "pram_cases"]
