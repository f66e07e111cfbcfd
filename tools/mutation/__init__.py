"""Mutation testing as a gate: plant semantic bugs one at a time and check the default suite
notices each (docs/mutation.md).

* :mod:`.catalogue` -- the mutants: (id, target file, description, exact old text, new text, the
  tests that must kill it), or an explanation why a mutant is equivalent.
* :mod:`.apply` -- applying a mutant to a copy of the tree; :func:`~.apply.check_catalogue`
  reports every anchor that no longer matches exactly once.
* :mod:`.runner` -- runs each mutant's tests in a scratch copy of the repository (never in the
  working tree) and writes ``docs/results/mutation.json`` and the table in ``docs/mutation.md``.

``python -m tools.mutation`` (``make mutation``) runs it all; ``--check`` only checks anchors.
"""
