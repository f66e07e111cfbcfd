"""``python -m simulators.grammars`` -- see :mod:`simulators.grammars.cli`."""

import sys

from simulators.grammars.cli import entry

sys.exit(entry())
