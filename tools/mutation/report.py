"""``docs/mutation.md``: what the gate is, how to run it, and the table of the latest results."""

from __future__ import annotations

from typing import Any

_HEAD = """# Mutation testing

The checks in `tests/` and `proofs_checks/` are only evidence if they *fail* when the code is
wrong. This page records a gate for that: a catalogue of semantic mutants -- each one a small,
plausible bug planted in the reference machine, the transition `g`, the grammars or a
construction -- and, for each, whether the **default** test profile notices it.

Regenerate everything below (and `docs/results/mutation.json`) with one command:

```bash
make mutation            # = python -m tools.mutation (about {minutes} minutes on 2 loaded cores)
python -m tools.mutation --check          # only check that every mutant still applies
python -m tools.mutation --only ID [ID..] --source worktree   # try mutants on uncommitted code
```

How it works (`tools/mutation/`):

* `catalogue.py` lists each mutant as *(id, target file, description, exact old text, new text,
  tests)*. The old text must occur exactly once in the target; a mutant whose text no longer
  matches is an error reported for the whole catalogue at once (`--check`), and the default
  suite checks this too (`tests/rigor/test_mutation_catalogue.py`) without running mutants.
* `runner.py` copies the committed tree (`git archive HEAD`) to a scratch folder -- the working
  tree is never modified -- runs the unmutated subset once (it must pass), then applies each
  mutant in turn and runs its tests with `pytest -x` under the default Hypothesis profile
  (no slow tests), a fixed recorded `--hypothesis-seed` and an empty example database.
  A mutant is **killed** when those tests fail.
* The *tests* of a mutant are the default-suite files that cover its area (listed per mutant in
  the JSON); "killed" therefore means "`make test` would fail".
* An **equivalent** mutant cannot change observable behaviour; it is listed with the reason.
  A surviving mutant that is not equivalent is a missing test.
* Kills are recorded for one seed. Where the first failing test is a Hypothesis property, a run
  with another seed might need more examples to fail; each area therefore also has fixed,
  deterministic cases (the write rules with two and three writers, word and index boundaries,
  the processors bound, the literal div/mod/pow table), so a kill does not hang on luck.

## Latest results

{summary}

| id | target | mutant | result (first failing test) |
|---|---|---|---|
"""


def render(doc: dict[str, Any]) -> str:
    prov = doc["provenance"]
    survived = doc["survived"]
    summary = (f"**{doc['killed']} of {doc['total']} mutants killed** by the default profile; "
               f"{doc['equivalent']} equivalent; "
               f"{len(survived)} surviving non-equivalent"
               f"{' (' + ', '.join(survived) + ')' if survived else ''}. "
               f"Source: {prov['source']}; Hypothesis seed {prov['hypothesis_seed']}; "
               f"run {prov['date_utc']}; {prov['note']}.")
    for rerun in prov.get("reruns", []):
        summary += (f" Re-run (`--only ... --update`) at {rerun['git_commit'][:10]} on "
                    f"{rerun['date_utc']}: {', '.join(rerun['ids'])}.")
    minutes = max(1, round((prov["baseline_seconds"]
                            + sum(r["seconds"] for r in doc["mutants"])) / 60))
    lines = [_HEAD.replace("{minutes}", str(minutes)).replace("{summary}", summary).rstrip("\n")]
    for r in doc["mutants"]:
        killer = r["reason"].removeprefix("killed by ").replace("|", "\\|")
        result = (f"killed by `{killer}` ({r['seconds']:.0f} s)" if r["killed"] else
                  f"equivalent: {r['reason']}" if r["equivalent"] else "**SURVIVED**")
        desc = r["description"].replace("|", "\\|")
        lines.append(f"| `{r['id']}` | `{r['target']}` | {desc} | {result} |")
    lines += ["", "## Which tests run against which mutants", "",
              "Each mutant runs these default-suite files, in this order, with `pytest -x` "
              "(a file is listed once per group of mutants sharing it):", "",
              "| mutants | tests |", "|---|---|"]
    groups: dict[tuple[str, ...], list[str]] = {}
    for r in doc["mutants"]:
        groups.setdefault(tuple(r["tests"]), []).append(r["id"])
    for tests, ids in groups.items():
        names = ", ".join(f"`{i}`" for i in ids)
        lines.append(f"| {names} | {'<br>'.join(f'`{t}`' for t in tests)} |")
    return "\n".join(lines) + "\n"
