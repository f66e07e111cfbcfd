"""``python -m constructions.dyck_apmdm`` -- see :mod:`constructions.dyck_apmdm.cli`."""

import sys

from constructions.dyck_apmdm.cli import entry

sys.exit(entry())
