"""Encoder programs compiled to torch networks of standard transformer parts (docs/compiler.md).

``compile_program(program, max_length=..., dtype=..., device=...)`` returns a
:class:`CompiledNetwork` whose ``evaluate(canvas)`` equals ``program.evaluate(canvas)`` and whose
``size()`` reports layers, ReLU depth, heads, d_model, widest hidden layer and parameters.
torch is imported only here, under ``simulators/learned`` and in ``experiments``.
"""

from simulators.weights.compiler import DEFAULT_GAP, CompiledNetwork, compile_program

__all__ = ["DEFAULT_GAP", "CompiledNetwork", "compile_program"]
