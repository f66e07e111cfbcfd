"""Edit scripts: an AP-MDM trace spelled out as the tokens an ARM writes, and read back through
``g`` -- the "ARM that imitates the same edit steps" of the graph-editing and edit-tracking
experiments (docs/learned_tasks.md; the paper's comparison, docs/paper.md §3.3).

One step of the AP-MDM becomes its edits in position order, then ``[STEP]``; the script ends
with ``[EOS]``. Positions refer to the canvas *before* the step (all of a step's edits are read
off one canvas, as ``g`` applies them at once):

* ``@i <token>`` -- fill the mask at position ``i`` with ``<token>``;
* ``R @i`` -- remask the (written) token at ``i``;
* ``D @i`` -- delete the mask at ``i``;
* ``I @i`` -- insert a mask after position ``i`` (kept positions only).

Steps that change nothing (the halting fixed point) are not written. :func:`replay` applies a
script through the one ``g`` (``simulators.processes.apmdm_transition``) and refuses a malformed
one (None), so a learned script is judged on the canvas it produces. The position prefix ``@``
keeps these names apart from task tokens such as the edit log's ``p3``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from simulators.processes import Vocab, apmdm_transition

OPS = ("R", "I", "D")
STEP = "[STEP]"


def script_names(max_canvas: int) -> list[str]:
    """The names a script vocabulary adds to the task's own tokens."""
    return [f"@{i}" for i in range(max_canvas)] + [*OPS, STEP]


def edit_script(trace, encode: Callable[[np.ndarray], np.ndarray],  # type: ignore[no-untyped-def]
                mask: int, name: Callable[[int], str], av: Vocab) -> np.ndarray:
    """The trace's steps as a script (ids of ``av``). ``encode`` maps a canvas (and ``y``) into
    the id space whose ``mask`` and ``name`` are given (identity for a fixed vocabulary)."""
    out: list[int] = []
    for x, dec in zip(trace.canvases[:-1], trace.decisions, strict=False):
        x, y = encode(np.asarray(x)), encode(np.asarray(dec.y))
        n = len(x)
        rem = np.asarray(dec.remask, bool)
        ins = np.zeros(n, bool) if dec.insert is None else np.asarray(dec.insert, bool)
        dele = np.zeros(n, bool) if dec.delete is None else np.asarray(dec.delete, bool)
        step: list[int] = []
        for i in range(n):
            if x[i] == mask and dele[i]:
                step += [av.id("D"), av.id(f"@{i}")]
                continue  # a deleted mask emits nothing, not even an insert (g, rule 1)
            if x[i] == mask and not rem[i] and y[i] != mask:  # a mask written as a mask: no edit
                step += [av.id(f"@{i}"), av.id(name(int(y[i])))]
            elif rem[i] and x[i] != mask:
                step += [av.id("R"), av.id(f"@{i}")]
            if ins[i]:
                step += [av.id("I"), av.id(f"@{i}")]
        if step:
            out += [*step, av.id(STEP)]
    return np.array([*out, av.eos_id], dtype=np.int64)


def replay(start: np.ndarray, script: Sequence[int], av: Vocab, mask: int,
           content: Callable[[str], int | None]) -> np.ndarray | None:
    """``start`` after the script's steps through ``g``; None when the script is malformed:
    no final ``[EOS]``, an unknown op, a position off the canvas, filling a written token or
    with a non-content token (``content`` returns None), remasking a mask, deleting a written
    token, inserting after a deleted mask, or a step left unfinished."""
    x = np.asarray(start, dtype=np.int64)
    names = [av.name(int(t)) for t in script]
    if not names or names[-1] != "[EOS]":
        return None
    k, end = 0, len(names) - 1
    while k < end:
        y, rem = x.copy(), x == mask  # a mask not told otherwise stays a mask
        ins, dele = np.zeros(len(x), bool), np.zeros(len(x), bool)
        while names[k] != STEP:
            if k + 1 >= end:
                return None
            op, arg = names[k], names[k + 1]
            pos = arg if op in OPS else op
            if not pos.startswith("@") or not pos[1:].isdigit() or int(pos[1:]) >= len(x):
                return None
            i = int(pos[1:])
            if op == "R":
                if x[i] == mask:
                    return None
                rem[i] = True
            elif op == "D":
                if x[i] != mask or ins[i] or not rem[i]:  # not a mask, or already edited
                    return None
                dele[i] = True
            elif op == "I":
                if dele[i]:
                    return None
                ins[i] = True
            else:
                tok = content(arg)
                if x[i] != mask or tok is None or dele[i]:
                    return None
                y[i], rem[i] = tok, False
            k += 2
        x = apmdm_transition(x, y, rem, ins, dele, mask=mask)
        k += 1
    return x
