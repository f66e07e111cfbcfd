"""The per-step network of the edit-tracking AP-MDM, written as an encoder program.

Every position reads where ``[SEP]`` is and the first edit of the log that is not yet masked
(its op, position and letter: three heads after one ``min`` head), and whether the sequence holds
a mask. Two phases per edit (``docs/edit_tracking.md``):

* **A** (no mask in the sequence): ``ins p x`` -- the token before element ``p`` (``[BOS]`` for
  ``p = 0``) sets ``insert``; ``del p`` -- element ``p`` is remasked. In the same step the masks
  left in the log by the previous edit are deleted.
* **B** (a mask in the sequence): ``ins`` -- the mask is unmasked to ``x``; ``del`` -- the mask
  is deleted. The edit's three log tokens are remasked (deleted in the next phase A).

After the last edit a phase A with no edit only deletes the log masks; then nothing changes and
the run halts at a fixed point with ``[BOS] sequence [SEP]``. So ``E`` edits take ``2E + 2``
decoding steps, and the sequence between ``[BOS]`` and ``[SEP]`` is, after every phase B, the
list after the edits applied so far: the edits are applied in place.
"""

from __future__ import annotations

from constructions.edit_apmdm.layout import EditLayout
from simulators.encoder import Program, Seq, aggregate, ew, indices, select, tokens


def build_program(layout: EditLayout, max_length: int) -> Program:
    m = layout.mask
    tok = tokens(0, m).named("tok")
    idx = indices().named("idx")
    everywhere = select(idx, idx, "true")
    sep = aggregate(everywhere, ew("where", ew("eq", tok, layout.sep), idx, max_length), "min",
                    default=max_length).named("sep")
    in_seq = ew("and", ew("ge", idx, 1), ew("lt", idx, sep)).named("in_seq")
    in_log = ew("gt", idx, sep)
    is_mask = ew("eq", tok, m)
    seq_mask = aggregate(everywhere, ew("and", in_seq, is_mask), "max", default=0)
    seq_mask = seq_mask.named("phase_b")
    # the current edit: the first op token of the log that is not masked
    is_op = ew("and", in_log, ew("or", ew("eq", tok, layout.ins), ew("eq", tok, layout.delete)))
    start = aggregate(everywhere, ew("where", is_op, idx, max_length), "min",
                      default=max_length).named("edit_start")
    has_edit = ew("lt", start, max_length).named("has_edit")

    def field(offset: int, name: str) -> Seq:
        target = ew("add", start, offset)
        return aggregate(select(idx, target, "=="), tok, "leftmost", default=m).named(name)

    op = field(0, "op")
    pos_tok = field(1, "pos_tok")
    letter = field(2, "letter")
    pos = ew("sub", pos_tok, layout.k).named("pos")
    is_ins = ew("and", has_edit, ew("eq", op, layout.ins))
    is_del = ew("and", has_edit, ew("eq", op, layout.delete))
    phase_a = ew("not", seq_mask)
    # element p sits at index p + 1 ([BOS] is index 0)
    insert = ew("and", ew("and", phase_a, is_ins), ew("eq", idx, pos))
    remask_elem = ew("and", ew("and", phase_a, is_del), ew("eq", idx, ew("add", pos, 1)))
    in_edit = ew("and", ew("ge", idx, start), ew("lt", idx, ew("add", start, 3)))
    remask_edit = ew("and", seq_mask, ew("and", has_edit, in_edit))
    delete = ew("or", ew("and", phase_a, ew("and", in_log, is_mask)),
                ew("and", ew("and", seq_mask, is_del), ew("and", in_seq, is_mask)))
    y = ew("where", ew("and", ew("and", seq_mask, is_ins), ew("and", in_seq, is_mask)),
           letter, tok)
    return Program({"y": y.named("y"), "remask": ew("or", remask_elem, remask_edit).named("remask"),
                    "insert": insert.named("insert"), "delete": delete.named("delete")},
                   max_length=max_length, name="edit_apmdm")
