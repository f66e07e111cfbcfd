"""Edit scripts with inserts (edit tracking) replay the construction exactly; teacher-forced step
accuracy is total for the construction's own decisions and counts a corrupted step."""

from __future__ import annotations

import dataclasses

import numpy as np

from constructions.edit_apmdm import EditConstruction, random_instance
from experiments import edit_scripts
from experiments.teacher_forced import step_accuracy
from simulators.processes import Vocab


def _setup(seq: list[int], edits: list, k: int = 4):  # type: ignore[no-untyped-def,type-arg]
    con = EditConstruction(seq, edits, k, max_position=20)
    v = con.vocab
    av = Vocab([v.name(i) for i in range(len(v))] + edit_scripts.script_names(60),
               mask=v.name(v.mask_id), eos="[EOS]")
    tr = con.run(record_canvases=True).trace
    assert tr is not None
    return con, v, av, tr


def _content(v):  # type: ignore[no-untyped-def]
    names = {v.name(i) for i in range(len(v)) if i != v.mask_id}
    return lambda s: v.id(s) if s in names else None


def test_scripts_with_inserts_and_deletes_replay_the_construction() -> None:
    rng = np.random.default_rng(4)
    ops = set()
    for _ in range(30):
        seq, edits = random_instance(rng, int(rng.integers(0, 8)), int(rng.integers(0, 6)), 4)
        con, v, av, tr = _setup(seq, edits)
        script = edit_scripts.edit_script(tr, lambda a: a, v.mask_id, v.name, av)
        ops |= {av.name(int(t)) for t in script} & {"I", "D", "R"}
        fin = edit_scripts.replay(con.initial_canvas(), script.tolist(), av, v.mask_id,
                                  _content(v))
        assert fin is not None and np.array_equal(fin, tr.final)
    assert ops == {"I", "D", "R"}  # every kind of edit was exercised


def test_teacher_forced_accuracy_of_the_construction_is_total() -> None:
    con, v, av, tr = _setup([0, 1, 2], [("ins", 1, 3), ("del", 0, -1)])
    table = {c.tobytes(): d for c, d in zip(tr.canvases[:-1], tr.decisions, strict=False)}
    n_final = len(tr.final)
    fixed = dataclasses.replace(tr.decisions[0], y=tr.final.copy(),
                                remask=tr.final == v.mask_id, insert=np.zeros(n_final, bool),
                                delete=np.zeros(n_final, bool))

    def oracle(xs: list[np.ndarray]) -> list:  # type: ignore[type-arg]
        return [table.get(x.tobytes(), fixed) for x in xs]

    good = step_accuracy(oracle, [tr], [lambda a: a], v.mask_id)
    assert good == {"steps": tr.num_steps + 1, "right": tr.num_steps + 1, "bit_errors": 0,
                    "token_errors": 0, "runs": 1, "runs_all_right": 1}

    def one_wrong_token(xs: list[np.ndarray]) -> list:  # type: ignore[type-arg]
        out = oracle(xs)
        d = out[1]  # step 2 fills the inserted mask: write another letter there
        y = d.y.copy()
        y[(xs[1] == v.mask_id) & ~np.asarray(d.remask, bool)] = v.id("a")
        out[1] = dataclasses.replace(d, y=y)
        return out

    bad = step_accuracy(one_wrong_token, [tr], [lambda a: a], v.mask_id)
    assert (bad["right"], bad["token_errors"], bad["bit_errors"], bad["runs_all_right"]) == (
        tr.num_steps, 1, 0, 0)
