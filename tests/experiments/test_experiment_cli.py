"""Experiment CLIs fail cleanly (exit 2, no traceback) on bad usage."""

from __future__ import annotations

import pytest
import torch

from experiments import dyck, parity, pram_mdm
from simulators.cli_support import run_main


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-CUDA message")
@pytest.mark.parametrize("module", [parity, dyck, pram_mdm])
def test_cuda_without_a_gpu_is_a_usage_error(module, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = run_main(module.main, ["--device", "cuda", "--scale", "smoke", "--out",
                                  str(tmp_path), "--no-progress"])
    assert code == 2
    assert "CUDA" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
