"""``python -m constructions.pram_mdm`` -- see :mod:`constructions.pram_mdm.cli`."""

from constructions.pram_mdm.cli import entry

entry()
