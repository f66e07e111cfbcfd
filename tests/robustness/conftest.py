"""Fixtures of the robustness tests: one fork server for the session (see forkserver.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.robustness.runner import Runner, cli_modules


@pytest.fixture(scope="session")
def runner() -> Iterator[Runner]:
    server = Runner(cli_modules())
    yield server
    server.close()


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from tests.robustness.files import write_files

    return write_files(tmp_path_factory.mktemp("hostile"))
