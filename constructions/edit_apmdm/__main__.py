"""``python -m constructions.edit_apmdm``: see :mod:`constructions.edit_apmdm.cli`."""

import sys

from constructions.edit_apmdm.cli import entry

sys.exit(entry())
