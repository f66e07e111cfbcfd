import sys

from simulators.cli_support import run_main
from simulators.weights.cli import main

sys.exit(run_main(main))
