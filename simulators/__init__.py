"""Reference machines and generation processes for the paper
"On Powerful Ways to Generate: Autoregression, Diffusion, and Beyond".

Sub-packages (imports point downward only; see ``README.md`` and ``docs/interfaces.md``):

* :mod:`simulators.pram`      -- the reference PRAM machine and the ``.pram`` language
* :mod:`simulators.grammars`  -- one- and two-sided Dyck-k reference machinery
* :mod:`simulators.processes` -- ARM, MDM, Masked-ARM and AP-MDM engines (Algorithm 1's ``g``)
* :mod:`simulators.encoder`   -- the encoder-program language (what one transformer pass computes)
* :mod:`simulators.learned`   -- trainable torch policies (optional extra ``[learn]``)
"""

from simulators.errors import ProjectError

__all__ = ["ProjectError"]
