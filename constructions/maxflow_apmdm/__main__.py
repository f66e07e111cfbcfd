"""``python -m constructions.maxflow_apmdm``: see :mod:`constructions.maxflow_apmdm.cli`."""

import sys

from constructions.maxflow_apmdm.cli import entry

sys.exit(entry())
