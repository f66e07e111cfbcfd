"""What a Theorem-5 canvas means, for the trace viewer: the word so far and its reduction.

The AP-MDM keeps a two-sided Dyck-k word on the canvas after ``[BOS]`` and grows it by inserting
cancelling pairs (docs/theorem5.md). Beside each canvas the viewer shows the letters written so
far and their reduction (cancel ``a ā`` and ``ā a`` until none is left; a finished word is a
member exactly when the reduction is empty), next to the construction's own ``decode_state``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from constructions.dyck_apmdm.layout import DyckLayout


def dyck_view(layout: DyckLayout, canvas: np.ndarray) -> dict[str, Any]:
    """The decoded view of one canvas (JSON-able)."""
    x = np.asarray(canvas, dtype=np.int64)
    letters = x[(x >= 0) & (x < layout.letters)]
    lang = layout.language
    reduced = lang.reduce(letters)
    return {"letters": lang.render(letters), "reduction": lang.render(reduced),
            "masks": int((x == layout.mask).sum()), "pending": int((x == layout.pending).sum())}
