"""Edit tracking (the task behind Theorem 6): an AP-MDM that applies a log of inserts and
deletes to a sequence *in place*, two decoding steps per edit (``docs/edit_tracking.md``).

* ``layout.py`` -- ids, canvases, parsing and random instances
* ``program.py`` -- the step network (encoder program)
* ``construction.py`` -- :class:`EditConstruction`, the shared construction interface
* ``cli.py`` -- ``python -m constructions.edit_apmdm run|random ...``
"""

from constructions.edit_apmdm.construction import EditConstruction, from_text
from constructions.edit_apmdm.layout import EditLayout, random_instance

__all__ = ["EditConstruction", "EditLayout", "from_text", "random_instance"]
