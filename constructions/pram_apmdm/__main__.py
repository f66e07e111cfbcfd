"""``python -m constructions.pram_apmdm`` (see :mod:`constructions.pram_apmdm.cli`)."""

import sys

from constructions.pram_apmdm.cli import entry

if __name__ == "__main__":
    sys.exit(entry())
