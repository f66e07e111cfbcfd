"""``python -m constructions.parity_apmdm`` -- see :mod:`constructions.parity_apmdm.cli`."""

import sys

from constructions.parity_apmdm.cli import entry

sys.exit(entry())
