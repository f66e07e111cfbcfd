"""One torch thread for the weight-level tests: the networks are small per step, and on a shared
machine extra threads only contend (a 10x slowdown was measured on the loaded 2-core box). The
previous setting is restored after each test, so other packages' tests are unaffected."""

from collections.abc import Iterator

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
