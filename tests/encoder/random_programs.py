"""Moved: the random encoder-program strategies live in
:mod:`simulators.testing.encoder_programs`; this name is kept for older imports."""

from simulators.testing.encoder_programs import BINARY, VOCAB_HI, canvases, random_programs

__all__ = ["BINARY", "VOCAB_HI", "canvases", "random_programs"]
