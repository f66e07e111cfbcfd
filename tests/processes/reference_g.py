"""A plain-Python ``g`` written straight from docs/paper.md §1.4 (Algorithm 1), for comparison only.

Deliberately a loop over positions, sharing no code with simulators.processes.transition.
"""

from __future__ import annotations


def g_reference(x: list[int], y: list[int], remask: list[bool], insert: list[bool],
                delete: list[bool], mask: int) -> list[int]:
    z: list[int] = []
    for i in range(len(x)):
        if delete[i] and x[i] == mask:  # 1. a deleted mask: nothing appended, no insert
            continue
        if remask[i]:                   # 2. remask beats unmask
            z.append(mask)
        elif x[i] == mask:
            z.append(y[i])
        else:
            z.append(x[i])
        if insert[i]:                   # 3. one extra mask after the position
            z.append(mask)
    return z
