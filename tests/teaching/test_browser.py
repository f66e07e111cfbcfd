"""The trace pages in a real browser: the two pages the teaching material promises
(Theorem 1 prefix sums, Theorem 5 Dyck-2), written by the construction CLIs' ``--html``.

Checked: the page loads without console errors and names no external URL; stepping forward and
back with the keyboard shows exactly the trace's canvases, with the highlighted operations equal
to the trace's per-step counts; a clicked cell's explanation equals the encoder interpreter's
values on that step's canvas. Skipped (with the reason) where Chromium is not installed.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest

from tests.teaching.browser import (
    browser_or_skip,
    console_errors,
    frame_cells,
    shown_counts,
    shown_values,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser():
    driver = browser_or_skip()
    yield driver
    driver.quit()


def _no_external_urls(page: str) -> None:
    body = page.replace("http://www.w3.org", "")  # namespace names, never fetched
    assert not re.search(r"(?:https?|ftp):|//[a-z0-9-]+\.[a-z]", body), "page names a URL"
    assert "<link" not in page and "<script src" not in page and "<img" not in page


def _open(browser, path: Path) -> None:
    browser.get(path.resolve().as_uri())
    browser.execute_script("document.activeElement.blur();")
    assert console_errors(browser) == []


def _press(browser, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(browser).send_keys(getattr(Keys, key)).perform()


def _check_frame(browser, trace, f: int) -> tuple[list[int], str, list[int]]:
    """The drawn frame equals canvas f of the trace (deleted cells dropped), and the marked
    operations and shown counts equal step f's record."""
    assert browser.execute_script("return traceViewer.frame();") == f
    tokens, ops, src = frame_cells(browser)
    assert [t for t, o in zip(tokens, ops, strict=True) if o != "d"] == trace.canvases[f].tolist()
    if f:
        rec = trace.steps[f - 1]
        want = {"filled": rec.filled, "remasked": rec.remasked, "inserted": rec.inserted,
                "deleted": rec.deleted, "length": rec.length}
        marked = {"filled": ops.count("f"), "remasked": ops.count("r"),
                  "inserted": ops.count("i"), "deleted": ops.count("d"), "length": rec.length}
        assert marked == want and shown_counts(browser) == want
    return tokens, ops, src


def _key_event(browser, key: str) -> None:
    """The same keydown the page handles, dispatched from script (a real key press costs ~0.4 s
    through the driver; the first steps and the way back use real ones)."""
    browser.execute_script(
        f"document.dispatchEvent(new KeyboardEvent('keydown', {{key: '{key}'}}));")


def _step_through(browser, trace) -> None:
    for f in range(trace.num_steps + 1):
        _check_frame(browser, trace, f)
        if f < 3:
            _press(browser, "ARROW_RIGHT")
        else:
            _key_event(browser, "ArrowRight")
    _check_frame(browser, trace, trace.num_steps)  # past the end: stays on the last frame
    for f in range(trace.num_steps - 1, max(-1, trace.num_steps - 6), -1):
        _press(browser, "ARROW_LEFT")
        _check_frame(browser, trace, f)
    _press(browser, "HOME")
    _check_frame(browser, trace, 0)


def _click_changed_cell(browser, f: int) -> int:
    """Go to frame f, click its first changed cell; return that cell's source position."""
    from selenium.common.exceptions import StaleElementReferenceException

    browser.execute_script(f"traceViewer.goto({f});")
    for _ in range(5):  # a scroll event may redraw the cells under us: look again
        try:
            cell = browser.find_element("css selector", "#spacer .cell:not(.op-k):not(.op-i)")
            index, src = int(cell.get_attribute("data-cell")), int(cell.get_attribute("data-src"))
            cell.click()
            break
        except StaleElementReferenceException:
            time.sleep(0.2)
    assert browser.execute_script("return traceViewer.selected();") == index
    return src


def test_theorem1_prefix_sum_page(browser, tmp_path):
    from constructions.pram_mdm.cli import main
    from constructions.pram_mdm.construction import Theorem1
    from simulators.encoder.sequences import Aggregate, Source
    from simulators.pram import load_program

    page = tmp_path / "run.html"
    prog_path = ROOT / "examples/pram/prefix_sum.pram"
    assert main(["run", str(prog_path), "--input", "A=3,1,4,1", "--html", str(page)]) == 0
    _no_external_urls(page.read_text(encoding="utf-8"))
    # The trace, independently of the page: the same construction run again.
    thm = Theorem1.build(load_program(prog_path), {"A": [3, 1, 4, 1]}, {})
    trace = thm.run(record_canvases=True).trace
    _open(browser, page)
    _step_through(browser, trace)
    # Why a filled cell got its token: the interpreter's values on the canvas before step 3.
    pos = _click_changed_cell(browser, 3)
    values = thm.program.evaluate_all(trace.canvases[2])
    shown = shown_values(browser)
    assert shown["token"] == trace.canvases[3][pos]
    for key, seq in thm.program.outputs.items():
        assert shown[key] == values[seq][pos]
    named = {n.label: int(values[n][pos]) for n in thm.program.nodes
             if n.label and not isinstance(n, Aggregate | Source)}  # heads: their own table
    assert named and all(shown[k] == v for k, v in named.items())
    assert console_errors(browser) == []


def test_dyck_page(browser, tmp_path):
    from constructions.dyck_apmdm.cli import main
    from constructions.dyck_apmdm.process import DyckAPMDM
    from simulators.processes import run_apmdm

    page = tmp_path / "dyck.html"
    assert main(["sample", "--k", "2", "--max-length", "12", "--seed", "2", "--html",
                 str(page)]) == 0
    _no_external_urls(page.read_text(encoding="utf-8"))
    model = DyckAPMDM(2, True, 12)
    trace = run_apmdm(model.policy(), model.layout.initial_canvas(), model.vocab,
                      rng=np.random.default_rng(2), max_steps=model.max_steps,
                      max_length=model.max_canvas_length, halt_on_eos=False)
    assert any(s.inserted for s in trace.steps) and any(s.deleted or s.remasked
                                                       for s in trace.steps)
    _open(browser, page)
    _step_through(browser, trace)
    # The explanation of a changed cell is the decision the run applied there.
    f = next(t + 1 for t, s in enumerate(trace.steps) if s.filled and s.deleted)
    pos = _click_changed_cell(browser, f)
    shown = shown_values(browser)
    d = trace.decisions[f - 1]
    assert (shown["y"], shown["remask"], shown["insert"], shown["delete"]) == (
        d.y[pos], d.remask[pos], d.insert[pos], d.delete[pos])
    # Not colour alone: every marked cell carries its operation's glyph and line style.
    styles = browser.execute_script("""
        const out = {};
        for (const step of [...Array(traceViewer.frames).keys()]) {
          traceViewer.goto(step);
          for (const e of document.querySelectorAll('#spacer .cell:not(.op-k)')) {
            const g = e.querySelector('.glyph'), cs = getComputedStyle(e);
            out[e.dataset.op] = [g ? g.textContent : '', cs.borderTopStyle,
                                 cs.textDecorationLine + ' ' + cs.textDecorationStyle];
          }
        }
        return out;""")
    assert {op: v[0] for op, v in styles.items()} == {
        op: g for op, g in {"f": "\u25cf", "r": "\u21ba", "i": "+", "d": "\u2715"}.items()
        if op in styles}
    assert len({(v[1], v[2]) for v in styles.values()}) == len(styles)  # distinct line styles
    assert {"f", "i"} <= set(styles)
    # The decoded view (the reduction of the word) is on the page.
    assert browser.find_element("id", "view").text.strip() not in ("", "(no decoded view for "
                                                                     "this construction)")
    assert console_errors(browser) == []


@pytest.mark.slow
def test_theorem1_page_at_n256_opens_and_steps(browser, tmp_path):
    """The large case of the viewer: Theorem 1 prefix sums at n = 256 (a 320,513-token canvas,
    127 frames). The page stays a few MB (steps travel as deltas) and stepping through every
    frame keeps the DOM to the rows in view; timings are recorded, with a loose bound (the
    machine running the suite may be loaded)."""
    from constructions.pram_mdm.cli import main

    page = tmp_path / "n256.html"
    values = ",".join(str(i % 10) for i in range(256))
    assert main(["run", str(ROOT / "examples/pram/prefix_sum.pram"), "--input", f"A={values}",
                 "--html", str(page)]) == 0
    assert page.stat().st_size < 20_000_000
    browser.set_window_size(1400, 1000)  # a lecture screen, not the tall test window
    _open(browser, page)
    ms = browser.execute_script("""
        const t = [];
        for (let i = 0; i < traceViewer.frames; i++) {
          const a = performance.now(); traceViewer.goto(i); t.push(performance.now() - a); }
        t.sort((x, y) => x - y);
        return [traceViewer.frames, t[Math.floor(t.length / 2)],
                document.querySelectorAll('#spacer .cell').length];""")
    frames, median_ms, cells_in_dom = ms
    assert frames == 127 and cells_in_dom < 2000
    assert median_ms < 1000, f"median step {median_ms:.0f} ms"
    assert console_errors(browser) == []
