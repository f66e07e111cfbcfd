"""``python -m constructions.sudoku_apmdm``: see :mod:`constructions.sudoku_apmdm.cli`."""

import sys

from constructions.sudoku_apmdm.cli import entry

sys.exit(entry())
