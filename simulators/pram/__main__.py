"""``python -m simulators.pram`` (see :mod:`simulators.pram.cli`)."""

import sys

from simulators.pram.cli import entry

if __name__ == "__main__":
    sys.exit(entry())
