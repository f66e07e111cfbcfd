"""Regenerate the viewer screenshots in docs/img/ (needs Chromium + chromedriver + selenium).

``python -m examples.course.screenshots`` writes the two pages the README shows (Theorem 1 on
prefix sums of 3,1,4,1; Theorem 5 sampling two-sided Dyck-2, seed 2) and three the course shows
(parity, Theorem 4, edit tracking) with the construction CLIs' ``--html``, opens each in
headless Chromium at a step worth looking at, selects a changed cell and saves a PNG.
Deterministic inputs; the pictures change only when the viewer does.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = [  # (file, CLI module main, argv, frame to show)
    ("theorem1_viewer.png", "constructions.pram_mdm.cli",
     ["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1,4,1"], 4),
    ("dyck_viewer.png", "constructions.dyck_apmdm.cli",
     ["sample", "--k", "2", "--max-length", "12", "--seed", "2"], 6),
    # the course's lessons 2, 6 and 9
    ("parity_viewer.png", "constructions.parity_apmdm.cli", ["1011001"], 1),
    ("theorem4_viewer.png", "constructions.pram_apmdm.cli",
     ["run", "examples/pram/prefix_sum.pram", "--input", "A=3,1,4,1"], 4),
    ("edit_viewer.png", "constructions.edit_apmdm.cli",
     ["run", "--sequence", "abcab", "--edits", "ins 0 d, del 2, ins 5 a, del 0"], 2),
]


def main() -> int:
    import importlib

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        print("chromedriver not found (apt-get install chromium chromium-driver)",
              file=sys.stderr)
        return 2
    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1300,820",
                "--hide-scrollbars"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, module, argv, frame in SHOTS:
                page = Path(tmp) / (name + ".html")
                importlib.import_module(module).main([*argv, "--html", str(page)])
                driver.get(page.as_uri())
                driver.execute_script(
                    f"traceViewer.goto({frame});"
                    "const e = document.querySelector('#spacer .cell:not(.op-k):not(.op-i)');"
                    "if (e) traceViewer.select(parseInt(e.dataset.cell, 10));")
                driver.save_screenshot(str(ROOT / "docs" / "img" / name))
                print(f"wrote docs/img/{name}")
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
