"""One torch thread: the networks are small per step, and on a shared machine extra threads only
contend (a 10x slowdown was measured on the loaded 2-core CI box)."""

import pytest

torch = pytest.importorskip("torch")
torch.set_num_threads(1)
