"""The light path (``make demo``): the PRAM, the processes, the encoder, the grammars and every
construction work with the base dependencies alone -- no torch, no matplotlib.

Run in a fresh interpreter in which importing torch, matplotlib (or the test-only packages)
fails, as it would after ``pip install -e .``: every module except those of NEEDS_EXTRAS
imports, and the demo command and the two ``--html`` commands of the README run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "matplotlib", "hypothesis", "pytest", "selenium")
# torch (learned, weights) or hypothesis (strategies for tests, a dev extra by design)
NEEDS_EXTRAS = ("simulators.learned", "simulators.weights", "simulators.testing",
                "constructions.masked_arm.cases")

SCRIPT = textwrap.dedent(f"""
    import importlib, pkgutil, sys
    for name in {HEAVY!r}:
        sys.modules[name] = None  # "import torch" now raises ImportError
    seen = []
    for pkg in ("simulators", "constructions"):
        mod = importlib.import_module(pkg)
        for info in pkgutil.walk_packages(mod.__path__, pkg + "."):
            if info.name.startswith({NEEDS_EXTRAS!r}) or info.name.endswith("__main__"):
                continue
            importlib.import_module(info.name)
            seen.append(info.name)
    assert len(seen) > 50, seen
    from simulators.pram.cli import main as pram
    from constructions.pram_mdm.cli import main as thm1
    from constructions.dyck_apmdm.cli import main as thm5
    out = sys.argv[1]
    assert pram(["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1,4,1,5"]) == 0
    assert thm1(["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1,4,1",
                 "--html", out + "/run.html"]) == 0
    assert thm5(["sample", "--k", "2", "--max-length", "12", "--seed", "2",
                 "--html", out + "/dyck.html"]) == 0
    print("light path ok", len(seen), "modules")
""")


def test_base_dependencies_suffice(tmp_path):
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "light path ok" in proc.stdout
    assert (tmp_path / "run.html").stat().st_size and (tmp_path / "dyck.html").stat().st_size
