"""Entry point: ``python -m simulators.encoder`` (see :mod:`simulators.encoder.cli`)."""

from simulators.encoder.cli import run

raise SystemExit(run())
