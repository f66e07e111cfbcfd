"""Assemble the one self-contained HTML file: markup, the inline CSS and script, the data.

Nothing is fetched: the markup, style sheet and script ship inside this package (viewer.html,
viewer.css, viewer.js) and are inlined, the data is one ``<script type="application/json">``
block. So the file works offline (from a USB stick) and the tests can assert it names no
external URL.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from string import Template
from typing import Any

# (op letter, glyph, meaning): the same glyphs viewer.js draws in the cells.
LEGEND = [("f", "\u25CF", "filled (mask \u2192 token)"),
          ("r", "\u21BA", "remasked (token \u2192 mask)"),
          ("i", "+", "inserted mask"),
          ("d", "\u2715", "deleted mask (struck through)")]


def _asset(name: str) -> str:
    return resources.files("simulators.processes.html").joinpath(name).read_text(encoding="utf-8")


def _embed(data: dict[str, Any]) -> str:
    """JSON safe inside a <script> element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(data: dict[str, Any]) -> str:
    """The complete HTML page for :func:`simulators.processes.html.data.page_data`'s object."""
    summary = (f"{data['process'].upper()} trace: {data['num_steps']} decoding steps, halted "
               f"({data['halt']}), longest canvas {data['peak_length']}")
    notes = []
    if data["message"]:
        notes.append(data["message"])
    if data["omitted_frames"]:
        notes.append(f"{data['omitted_frames']} of {data['total_frames']} frames are not embedded "
                     "(the page keeps evenly spaced frames, first and last included, to stay "
                     "under its size cap); the slider moves over the kept ones.")
    legend = " ".join(
        f'<span><span class="cell op-{op}" style="position:static;display:inline-block;'
        f'width:auto;height:auto;padding:0 4px">{g} a</span> {html.escape(t)}</span>'
        for op, g, t in LEGEND)
    return Template(_asset("viewer.html")).substitute(
        title=html.escape(data["title"]), summary=html.escape(summary),
        notes="".join(f'<p class="note">{html.escape(n)}</p>' for n in notes),
        legend=legend, css=_asset("viewer.css"), js=_asset("viewer.js"), data=_embed(data))
