"""A trace in the browser: one self-contained HTML page per run (docs/processes.md, "HTML").

:func:`write_trace_html` is what every construction CLI's ``--html PATH`` calls (through
``constructions.cli_common``) and what ``python -m simulators.processes html TRACE.json -o PAGE``
runs. The page steps through the canvases with each step's operations marked, shows the
construction's decoded state beside the canvas (``views``) and, for a clicked cell, the step
network's values there (``explain``; :func:`program_explainer` builds one from an encoder
program).

* ``ops.py``     -- what each displayed cell of a step did (vectorised, same rules as ``g``)
* ``data.py``    -- the embedded JSON (frames, names, views, explanations) and its size caps
* ``explain.py`` -- values and attention choices of an encoder program at one position
* ``page.py``    -- the HTML around it; ``viewer.js`` / ``viewer.css`` are inlined
"""

from __future__ import annotations

from pathlib import Path

from simulators.processes.html.data import MAX_CELLS, MAX_EXPLAINED, Explainer, Views, page_data
from simulators.processes.html.explain import program_explainer
from simulators.processes.html.page import render_page
from simulators.processes.trace import Trace

__all__ = ["page_data", "program_explainer", "render_page", "trace_html", "write_trace_html"]


def trace_html(trace: Trace, *, title: str = "trace", views: Views = None,
               explain: Explainer = None, max_cells: int = MAX_CELLS,
               max_explained: int = MAX_EXPLAINED) -> str:
    """The page's text (see :func:`write_trace_html`)."""
    return render_page(page_data(trace, title=title, views=views, explain=explain,
                                 max_cells=max_cells, max_explained=max_explained))


def write_trace_html(trace: Trace, path: str | Path, *, title: str = "trace",
                     views: Views = None, explain: Explainer = None,
                     max_cells: int = MAX_CELLS, max_explained: int = MAX_EXPLAINED) -> None:
    """Write the viewer of ``trace`` to ``path``.

    ``views``: one JSON-able decoded state per canvas (a sequence indexed like
    ``trace.canvases``, or a callable ``frame -> view``); ``explain(step, position)``: a dict of
    named values for the position of ``trace.canvases[step]`` (see :func:`program_explainer`).
    The trace must have been recorded (``record_canvases=True``).
    """
    Path(path).write_text(trace_html(trace, title=title, views=views, explain=explain,
                                     max_cells=max_cells, max_explained=max_explained),
                          encoding="utf-8")
