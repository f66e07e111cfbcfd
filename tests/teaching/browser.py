"""A headless Chromium for the viewer tests (Selenium with the system's chromedriver).

The browser and the driver come from the distribution's packages (``chromium``,
``chromium-driver``; ``.ci/run`` installs them when missing). Selenium is pointed at that
chromedriver explicitly, so it never tries to download one. :func:`browser_or_skip` skips the
test, with the reason, when any piece is missing locally.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome")

# Every cell of the current frame, scrolling the windowed canvas through all its rows (only the
# rows in view are in the DOM): {cell index: [token id, op letter, source position]}.
COLLECT_CELLS = """
const c = document.getElementById('canvas'); const out = {};
for (let top = 0; ; top += Math.max(1, c.clientHeight - 50)) {
  c.scrollTop = top; traceViewer.redraw();
  for (const e of document.querySelectorAll('#spacer .cell'))
    out[e.dataset.cell] = [parseInt(e.dataset.tok, 10), e.dataset.op, parseInt(e.dataset.src, 10)];
  if (top + c.clientHeight >= c.scrollHeight) break;
}
return out;
"""


def browser_or_skip(width: int = 1400, height: int = 2400) -> Any:
    """A started headless Chromium WebDriver, or ``pytest.skip`` saying what is missing."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[dev]')")
    binary = next((p for p in map(shutil.which, BROWSERS) if p), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("no system Chromium/chromedriver (apt-get install chromium chromium-driver; "
                    ".ci/run installs them)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    driver.set_script_timeout(300)  # a loaded CI machine steps a large page slowly
    return driver


def console_errors(driver: Any) -> list[str]:
    """Messages the page logged at SEVERE level (script errors, failed loads)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def frame_cells(driver: Any) -> tuple[list[int], str, list[int]]:
    """The current frame as drawn: token ids, op letters and source positions of every cell."""
    cells = driver.execute_script(COLLECT_CELLS)
    order = sorted(cells, key=int)
    assert [int(k) for k in order] == list(range(len(order))), "cells missing from the drawing"
    return ([cells[k][0] for k in order], "".join(cells[k][1] for k in order),
            [cells[k][2] for k in order])


def shown_counts(driver: Any) -> dict[str, int]:
    """The step's counts as the page shows them (#counts data attributes)."""
    data = driver.execute_script("return Object.assign({}, document.getElementById('counts')"
                                 ".dataset);")
    return {k: int(v) for k, v in data.items()}


def shown_values(driver: Any) -> dict[str, int]:
    """Named scalars of the explanation panel (every rendered scalar carries data-name)."""
    pairs = driver.execute_script(
        "return [...document.querySelectorAll('#explain [data-name]')]"
        ".map(e => [e.dataset.name, e.textContent]);")
    return {k: int(v) for k, v in pairs}
