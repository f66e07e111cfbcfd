"""The mutants: one plausible semantic bug each, across the reference machine, the transition
``g``, the grammars and every construction (docs/mutation.md has the results table).

Each mutant names the default-suite test files that cover its area; a mutant is killed when
those fail. Files are listed fastest-first where that does not lose a killer (``pytest -x``
stops at the first failure).
"""

from __future__ import annotations

from tools.mutation.model import Mutant

# -------------------------------------------------------------------- test subsets (default suite)
MACHINE = ("tests/pram/test_memory_models.py", "tests/pram/test_semantics.py",
           "tests/pram/test_examples.py", "tests/rigor/test_word_edges.py",
           "tests/pram/test_reference.py", "tests/rigor/test_edge_outcomes.py")
SEMANTICS = ("tests/rigor/test_word_edges.py", "tests/pram/test_semantics.py",
             "tests/pram/test_reference.py", "tests/pram/test_memory_models.py",
             "tests/rigor/test_edge_outcomes.py")
G = ("tests/processes/test_transition.py", "tests/processes/test_apmdm_engine.py")
GRAMMARS = ("tests/grammars",)
FILL = ("tests/processes/test_mdm_engine.py",)
THM1 = ("tests/rigor/test_edge_outcomes.py", "tests/rigor/test_word_edges.py",
        "tests/constructions/test_pram_mdm.py", "tests/rigor/test_network_runs.py",
        "proofs_checks/test_thm1_simulation.py")
THM4 = ("tests/rigor/test_edge_outcomes.py", "tests/rigor/test_word_edges.py",
        "tests/constructions/test_pram_apmdm.py", "tests/rigor/test_network_runs.py",
        "proofs_checks/test_thm4_simulation.py")
THM5 = ("tests/constructions/test_dyck_apmdm.py", "tests/rigor/test_dyck_target.py",
        "proofs_checks/test_thm5_dyck_apmdm.py")
MASKED_ARM = ("tests/constructions/test_masked_arm_program.py",
              "tests/rigor/test_masked_arm_multifill.py", "proofs_checks/test_thm3_masked_arm.py")
PARITY = ("tests/constructions/test_parity_apmdm.py",)

MM = "simulators/pram/memory_models.py"
SEM = "simulators/pram/semantics.py"
ARITH = "simulators/pram/arith.py"
MACH = "simulators/pram/machine.py"
TR = "simulators/processes/transition.py"
RED = "simulators/grammars/reduction.py"
CNT = "simulators/grammars/counting.py"
SMP = "simulators/grammars/sampling.py"
FR = "simulators/processes/fill_rules.py"
T1 = "constructions/pram_mdm/program.py"
T4 = "constructions/pram_apmdm/step_program.py"
D5 = "constructions/dyck_apmdm/program.py"
MA = "constructions/masked_arm/program.py"
PA = "constructions/parity_apmdm/process.py"

CATALOGUE: tuple[Mutant, ...] = (
    # ------------------------------------------------------------ the reference machine
    Mutant("machine-arbitrary-lowest", MM, "CRCW-arbitrary keeps the lowest pid (docs: highest)",
           "return cells, sv[ends - 1], None", "return cells, sv[starts], None", MACHINE),
    Mutant("machine-priority-highest", MM, "CRCW-priority keeps the highest pid (docs: lowest)",
           "return cells, sv[starts], None  # lowest pid", "return cells, sv[ends - 1], None  #",
           MACHINE),
    Mutant("machine-min-is-max", MM, "CRCW-min combines with max",
           "np.minimum.reduceat(sv, starts)", "np.maximum.reduceat(sv, starts)", MACHINE),
    Mutant("machine-max-is-min", MM, "CRCW-max combines with min",
           "np.maximum.reduceat(sv, starts)", "np.minimum.reduceat(sv, starts)", MACHINE),
    Mutant("machine-sum-keeps-first", MM, "CRCW-sum keeps the first value instead of the sum",
           "return cells, _exact_sums(sv, starts), None", "return cells, sv[starts], None",
           MACHINE),
    Mutant("machine-common-never-conflicts", MM,
           "CRCW-common accepts different values (no conflict)",
           "        if not same.all():", "        if False:", MACHINE),
    Mutant("machine-exclusive-write-allowed", MM, "EREW/CREW concurrent writes not reported",
           "        if c is not None:\n            return addr, vals, c",
           "        if False:\n            return addr, vals, c", MACHINE),
    Mutant("machine-fork-count-off-by-one", MACH, "pardo lo..hi allocates hi - lo processors",
           "        c = hi - lo + 1\n        if c <= 0:", "        c = hi - lo\n        if c <= 0:",
           MACHINE),
    Mutant("machine-fork-bound-off-by-one", MACH, "processors bound checked as c > P + 1",
           "        if c > self.P:", "        if c > self.P + 1:", MACHINE),
    Mutant("machine-join-releases-early", MACH,
           "JOIN releases when all but two processors wait",
           "waiting_at_start == self.alloc - 1", "waiting_at_start >= self.alloc - 2", MACHINE),
    Mutant("machine-word-check-off-by-one", ARITH, "word overflow test lets hi + 1 through",
           "    bad = (r < lo) | (r > hi)\n", "    bad = (r < lo) | (r > hi + 1)\n", MACHINE),
    # ------------------------------------------------------------ the one instruction semantics
    Mutant("semantics-div-truncates", SEM, "div rounds towards zero (docs: floor)",
           '"div": operator.floordiv,', '"div": lambda a, b: int(a / b),', SEMANTICS),
    Mutant("semantics-mod-sign-of-dividend", SEM, "mod takes the sign of the dividend",
           '"mod": operator.mod,', '"mod": lambda a, b: a - b * int(a / b),', SEMANTICS),
    Mutant("semantics-log2-of-zero", SEM, "log2(0) is not a domain fault",
           '"log2": DomainRule("a", "le", 0,', '"log2": DomainRule("a", "lt", 0,', SEMANTICS),
    Mutant("semantics-pow-negative-exponent", SEM, "pow with a negative exponent is not a fault",
           'DomainRule("b", "lt", 0, "negative exponent")',
           'DomainRule("b", "lt", -(2**70), "negative exponent")', SEMANTICS),
    Mutant("semantics-word-hi-off-by-one", SEM, "the word's largest value is 2^(w-1)",
           "return -(1 << (bits - 1)), (1 << (bits - 1)) - 1",
           "return -(1 << (bits - 1)), (1 << (bits - 1))", SEMANTICS),
    # ------------------------------------------------------------ g (Algorithm 1)
    Mutant("g-delete-any-token", TR, "delete removes non-mask tokens too",
           "    is_mask = x == mask\n    keep = ~(delete & is_mask)",
           "    is_mask = x == mask\n    keep = ~delete", G),
    Mutant("g-unmask-beats-remask", TR, "a masked position with remask is unmasked to y",
           "token = np.where(remask, mask, np.where(is_mask, y, x))",
           "token = np.where(is_mask, y, np.where(remask, mask, x))", G),
    Mutant("g-insert-on-deleted", TR, "a deleted position still inserts a mask",
           "    counts = keep.astype(np.int64) + (keep & insert)\n    ends",
           "    counts = keep.astype(np.int64) + insert\n    ends", G),
    Mutant("g-insert-before", TR, "the inserted mask goes before the token, not after",
           "out[starts[keep]] = token[keep]",
           "out[starts[keep] + (keep & insert)[keep]] = token[keep]", G),
    Mutant("g-length-counts-all-deletes", TR, "the length precheck counts deleted non-masks",
           "keep = ~(delete & (x == mask))", "keep = ~delete", G),
    # ------------------------------------------------------------ grammars
    Mutant("grammar-one-sided-cancels-backwards", RED, "one-sided reduction cancels closer-opener",
           "(two_sided or t >= k)", "(two_sided or t < k)", GRAMMARS),
    Mutant("grammar-wrong-partner", RED, "a letter cancels the next letter type, not its inverse",
           "(stack[-1] + k) % (2 * k) == t", "(stack[-1] + k + 1) % (2 * k) == t", GRAMMARS),
    Mutant("grammar-negative-depth-allowed", RED, "bracket matching accepts a negative prefix",
           "if depth_after.min() < 0 or depth_after[-1] != 0:", "if depth_after[-1] != 0:",
           GRAMMARS),
    Mutant("grammar-count-two-sided", CNT, "two-sided recurrence drops the factor d",
           "previous = d2 * previous - d * term", "previous = d2 * previous - term", GRAMMARS),
    Mutant("grammar-count-one-sided", CNT, "one-sided count multiplies by 2k per pair",
           "            kn *= k\n", "            kn *= 2 * k\n", GRAMMARS),
    Mutant("grammar-sampler-parent-inverse", SMP,
           "the uniform sampler may pick the parent's inverse (non-uniform, reducible)",
           "skip_inverse = k + 1 + rng.integers(d - 1, size=ups.size)",
           "skip_inverse = k + rng.integers(d - 1, size=ups.size)", GRAMMARS),
    Mutant("grammar-sampler-closer-not-inverse", SMP, "a closer repeats its opener's letter",
           "word[match[ups]] = (word[ups] + k) % d", "word[match[ups]] = word[ups]", GRAMMARS),
    # ------------------------------------------------------------ MDM fill rules
    Mutant("fill-topk-ties-rightmost", FR, "top-k confidence breaks ties to the right",
           "ties = np.flatnonzero(c == kth)[: k - int(chosen.sum())]",
           "ties = np.flatnonzero(c == kth)[::-1][: k - int(chosen.sum())]", FILL),
    Mutant("fill-leftmost-is-rightmost", FR, "LeftmostK fills the rightmost masks",
           "out[np.flatnonzero(is_mask)[: self.k]] = True",
           "out[np.flatnonzero(is_mask)[-self.k:]] = True", FILL),
    Mutant("fill-threshold-strict", FR, "threshold rule uses > tau instead of >= tau",
           "out = is_mask & (conf >= self.tau)", "out = is_mask & (conf > self.tau)", FILL),
    # ------------------------------------------------------------ Theorem 1 MDM
    Mutant("thm1-arbitrary-lowest", T1, "Theorem 1: CRCW-arbitrary keeps the lowest pid",
           'ARBITRARY:\n        keeper = eq(fetch(*same_addr, proc, "rightmost", -1), proc)',
           'ARBITRARY:\n        keeper = eq(fetch(*same_addr, proc, "leftmost", -1), proc)', THM1),
    Mutant("thm1-priority-highest", T1, "Theorem 1: the first writer is the highest pid",
           'first_writer = fetch(*same_addr, proc, "leftmost", -1)',
           'first_writer = fetch(*same_addr, proc, "rightmost", -1)', THM1),
    Mutant("thm1-no-combined-overflow", T1,
           "Theorem 1: no overflow check on combined (sum) writes",
           "w_overflow = and_(store, keeper, or_(lt(value, wlo), gt(value, whi)))",
           "w_overflow = and_(store, keeper, const(0))", THM1),
    Mutant("thm1-common-never-conflicts", T1, "Theorem 1: CRCW-common never faults",
           "conflict = and_(store, ne(vmin, vmax))", "conflict = and_(store, ne(vmin, vmin))",
           THM1),
    Mutant("thm1-min-is-max", T1, "Theorem 1: CRCW-min combines with max",
           'value = fetch(*same_addr, raw_wv, "min", 0)',
           'value = fetch(*same_addr, raw_wv, "max", 0)', THM1),
    Mutant("thm1-erew-read-conflict", T1, "Theorem 1: EREW read conflict needs three readers",
           "read_conflict = and_(load, gt(n_readers, 1))",
           "read_conflict = and_(load, gt(n_readers, 2))", THM1),
    Mutant("thm1-bounds-off-by-one", T1, "Theorem 1: index == size counts as in bounds",
           "in_bounds = and_(ge(ra, 0), lt(ra, asize))",
           "in_bounds = and_(ge(ra, 0), le(ra, asize))", THM1),
    Mutant("thm1-fork-bound-off-by-one", T1, "Theorem 1: a pardo of exactly P processors faults",
           "fork_fault = and_(fork, gt(count, P))", "fork_fault = and_(fork, ge(count, P))", THM1),
    Mutant("thm1-overflow-off-by-one", T1, "Theorem 1: a computed value of hi + 1 is no overflow",
           "or_(lt(computed_val, wlo), gt(computed_val, whi)))",
           "or_(lt(computed_val, wlo), gt(computed_val, whi + 1)))", THM1),
    Mutant("thm1-shortcut-reference", "constructions/pram_mdm/build.py",
           "SHORTCUT: the fast policy's output cells come from the reference machine",
           '            out = self.mdm.program.evaluate(canvas, positions=pos, names=("token", '
           '"fill"))\n',
           '            out = self.mdm.program.evaluate(canvas, positions=pos, names=("token", '
           '"fill"))\n'
           "            from simulators.pram import run as _reference  # the shortcut\n"
           "            b = self.mdm.binding\n"
           "            ins = {a.name: b.initial_memory[b.base[a.name]:b.base[a.name]"
           " + b.size[a.name]].tolist() for a in self.mdm.prog.arrays"
           " if a.role in ('input', 'inout') and not a.name.startswith('__')}\n"
           "            ref = _reference(self.mdm.prog, ins).output\n"
           "            for seg in lay.outputs:\n"
           "                for j, v in enumerate(ref[seg.name]):\n"
           "                    hit = np.flatnonzero(pos == seg.start + j)\n"
           "                    if hit.size:\n"
           "                        out['token'][hit] = v\n", THM1),
    # ------------------------------------------------------------ Theorem 4 AP-MDM
    Mutant("thm4-arbitrary-lowest", T4, "Theorem 4: CRCW-arbitrary keeps the lowest pid",
           'MemoryModel.CRCW_ARBITRARY: "rightmost"', 'MemoryModel.CRCW_ARBITRARY: "leftmost"',
           THM4),
    Mutant("thm4-sum-is-max", T4, "Theorem 4: CRCW-sum combines with max",
           'MemoryModel.CRCW_SUM: "sum"', 'MemoryModel.CRCW_SUM: "max"', THM4),
    Mutant("thm4-common-first-vs-max", T4,
           "Theorem 4: CRCW-common compares the first value with the max (misses a larger "
           "first value; a bug found by the edge strategies)",
           'E("ne", wmin, wmax)', 'E("ne", wval, wmax)', THM4),
    Mutant("thm4-exclusive-write-two", T4, "Theorem 4: EREW/CREW write conflict needs 3 writers",
           'E("ge", nwrites, 2)', 'E("ge", nwrites, 3)', THM4),
    Mutant("thm4-delete-in-odd-phase", T4, "Theorem 4: stale masks deleted in the odd phase",
           "delete = _all(even, is_mask)", "delete = _all(odd, is_mask)", THM4),
    Mutant("thm4-remask-in-even-phase", T4, "Theorem 4: changed tokens remasked in the even phase",
           "remask = _all(odd, changed)", "remask = _all(even, changed)", THM4),
    Mutant("thm4-no-insert-for-new-cells", T4,
           "Theorem 4: a write to a new address inserts no cell",
           "        grows = E(\"or\", changed, ins_cell)", "        grows = changed", THM4),
    Mutant("thm4-every-writer-inserts", T4,
           "Theorem 4: every writer of a new address inserts a cell (not only the first)",
           'ins_cell = E("and", ins_cell, E("eq", first, idx))',
           'ins_cell = E("and", ins_cell, E("ge", first, 0))', THM4),
    # ------------------------------------------------------------ Theorem 5 AP-MDM (Dyck)
    Mutant("thm5-pair-not-inverse", D5, "Theorem 5: the pair's second letter is not the inverse",
           "table={a: (a + k) % (2 * k) for a in range(2 * k)}",
           "table={a: (a + k + 1) % (2 * k) for a in range(2 * k)}", THM5),
    Mutant("thm5-remask-wrong-position", D5, "Theorem 5: remask the mask after [P], not [P]",
           '"remask": pending_to_pair,', '"remask": after_pending,', THM5),
    Mutant("thm5-delete-second", D5, "Theorem 5: delete the second mask of a run, not the first",
           '"delete": run_first,', '"delete": run_second,', THM5),
    Mutant("thm5-insert-while-busy", D5, "Theorem 5: inserts start while masks remain",
           'may_insert = ew("and", ew("and", clean, below_target), ew("not", is_mask))',
           'may_insert = ew("and", below_target, ew("not", is_mask))', THM5),
    Mutant("thm5-target-off-by-one", D5, "Theorem 5: stops one pair below the target length",
           'below_target = ew("le", size, target_length)',
           'below_target = ew("lt", size, target_length)', THM5),
    # ------------------------------------------------------------ Theorem 3 Masked-ARM
    Mutant("thm3-first-mask-rightmost", MA, "Theorem 3: the Masked-ARM fills its rightmost mask",
           'first_mask = aggregate(select(tok, lay.mask_id, "=="), idx, "leftmost", default=-1)',
           'first_mask = aggregate(select(tok, lay.mask_id, "=="), idx, "rightmost", default=-1)',
           MASKED_ARM),
    Mutant("thm3-pick-rightmost", MA, "Theorem 3: follows the MDM's rightmost fill",
           'pick_pos = aggregate(chosen, idx, "leftmost", default=-1)',
           'pick_pos = aggregate(chosen, idx, "rightmost", default=-1)', MASKED_ARM),
    # ------------------------------------------------------------ parity AP-MDM
    Mutant("parity-remask-ones", PA, "parity: a lone 1 before a 0 is remasked (changes parity)",
           'ew("and", at1, ew("or", ew("eq", a, ZERO), same))',
           'ew("and", at1, ew("or", ew("ne", a, MASK), same))', PARITY),
    Mutant("parity-delete-wrong-side", PA, "parity: the second step deletes the other bit",
           'ew("and", at2, ew("eq", b, MASK)))', 'ew("and", at2, ew("eq", a, MASK)))', PARITY),
    Mutant("parity-right-neighbour-off-by-one", PA, "parity: reads the bit two to the right",
           'right = aggregate(select(idx, ew("add", idx, 1), "=="), tok, "leftmost", '
           'default=NONE)',
           'right = aggregate(select(idx, ew("add", idx, 2), "=="), tok, "leftmost", '
           'default=NONE)', PARITY),
)
