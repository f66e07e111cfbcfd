"""The paper's explicit MDM / AP-MDM constructions, one module per theorem or task.

Each construction is an encoder program (the per-step network ``f``), a canvas layout and a
fill/control rule, run by the engines of :mod:`simulators.processes`.
"""
