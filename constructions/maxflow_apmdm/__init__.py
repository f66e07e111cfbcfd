"""Graph editing by max-flow: Edmonds--Karp as the steps of a constant-depth AP-MDM network (one
BFS layer per step, a path trace, a two-step augmentation and reset), then the minimum-cut edges
are deleted so that the source and the sink disconnect (``docs/maxflow.md``).

* ``layout.py`` -- the graph as tokens, parsing, validation, random graphs
* ``program.py`` -- the step network (encoder program)
* ``construction.py`` -- :class:`MaxFlowConstruction`, the shared construction interface
* ``cli.py`` -- ``python -m constructions.maxflow_apmdm run ...``
"""

from constructions.maxflow_apmdm.construction import MaxFlowConstruction
from constructions.maxflow_apmdm.layout import FlowLayout, random_graph

__all__ = ["FlowLayout", "MaxFlowConstruction", "random_graph"]
