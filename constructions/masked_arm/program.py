"""The Masked-ARM's per-step encoder program (Theorem 3), built around any MDM program.

One evaluation, on the Masked-ARM canvas ``x0 | log | read-out`` (see :mod:`.layout`), computes:

1. **decode** (MLP): which cells hold a tagged token, and its (position, token);
2. **rebuild** (attention + MLP): the MDM's current canvas at positions ``0..S-1`` --
   the original token if it is not the MDM mask, else the token of the log entry tagged with
   this position, else the MDM mask;
3. **the wrapped MDM program**, rewritten by :func:`.rewrite.retarget` to read the rebuilt canvas
   and never attend outside ``0..S-1`` -- its depth, unchanged;
4. **pick** (attention): the leftmost position the MDM would fill now, and its token;
5. **emit** (MLP): at a log cell, the tagged token (position, token); at read-out cell ``r``, the
   rebuilt canvas at ``r`` (read by an attention that runs in parallel with step 3).

The fill decision of the Masked-ARM is its leftmost mask (output ``fill``), so the program works
with the ``PolicyChosen`` rule and with ``LeftmostK(1)``. Steps 1-2 and 4-5 are the constant extra
depth (at most 2 attention + 2 MLP sublayers before the wrapped program, 1 + 1 after).
"""

from __future__ import annotations

from dataclasses import dataclass

from constructions.masked_arm.layout import MaskedArmLayout
from constructions.masked_arm.rewrite import retarget
from constructions.masked_arm.vocab import TaggedVocab, mdm_id_range
from simulators.encoder import (
    Cost,
    MDMProgramPolicy,
    Program,
    aggregate,
    const,
    ew,
    indices,
    mdm_policy,
    select,
    tokens,
)
from simulators.errors import EncoderProgramError
from simulators.processes import BaseVocab

#: Bound on the extra depth claimed in docs/theorem3.md: 2 attention + 2 MLP sublayers before the
#: wrapped program (decode, rebuild), 1 attention + 1 MLP after it (pick, emit).
EXTRA_DEPTH_BOUND = 6


@dataclass(frozen=True)
class MaskedArm:
    """A Masked-ARM built from an MDM program: its layout, vocabulary, program and policy."""

    layout: MaskedArmLayout
    vocab: TaggedVocab
    program: Program
    wrapped: Program
    token: str
    fill: str

    def policy(self, *, path: str = "fast") -> MDMProgramPolicy:
        """The Masked-ARM policy for ``run_masked_arm`` (or ``run_mdm`` with any rule that fills
        the leftmost mask)."""
        return mdm_policy(self.program, "token", "fill", path=path)

    def extra_depth(self) -> int:
        """Depth of the Masked-ARM program minus the wrapped MDM program's depth."""
        return self.program.cost().depth - self.wrapped.cost().depth

    def costs(self) -> tuple[Cost, Cost]:
        """(wrapped MDM program, Masked-ARM program) cost reports."""
        return self.wrapped.cost(), self.program.cost()


def build_masked_arm(mdm_program: Program, mdm_vocab: BaseVocab, context: int, *,
                     token: str = "token", fill: str = "fill", readout: bool = True,
                     restrict: bool = True) -> MaskedArm:
    """Wrap an MDM program (outputs ``token`` and boolean ``fill``) for MDM canvases of length
    ``context`` into a Masked-ARM program with the same kind of layers.

    Precondition (the theorem's): the MDM fills exactly one token per step. If its ``fill`` marks
    several positions, the Masked-ARM follows the leftmost one (and the runs then differ).
    ``readout=False`` omits the read-out region (the result is then decoded from the log);
    ``restrict=False`` is the ablation of :func:`.rewrite.retarget` (for tests and teaching only).
    """
    for name in (token, fill):
        if name not in mdm_program.outputs:
            raise EncoderProgramError(f"the MDM program has no output {name!r}; outputs: "
                                      f"{sorted(mdm_program.outputs)}")
    if not mdm_program.range(fill).is_bool:
        raise EncoderProgramError(f"output {fill!r} must be boolean, has range "
                                  f"{mdm_program.range(fill)}")
    lo, hi = mdm_id_range(mdm_vocab)
    lay = MaskedArmLayout(context=int(context), id_lo=lo, id_hi=hi, mdm_mask=mdm_vocab.mask_id,
                          readout=readout)
    s, v = lay.context, lay.vocab_size
    max_length = 2 * s + s * int(readout)  # S + K + S with K <= S

    tok = tokens(0, lay.mask_id).named("tok")
    idx = indices().named("idx")
    limit = const(s).named("S")

    # 1. decode the tagged tokens of the log (one MLP).
    is_tag = ew("and", ew("ge", tok, v), ew("lt", tok, lay.mask_id)).named("is_tag")
    code = ew("clip", ew("sub", tok, v), lo=0, hi=s * v - 1)
    tag_pos = ew("floordiv", code, v).named("tag_pos")
    tag_tok = ew("mod", code, v).named("tag_tok")
    # 2. rebuild the MDM canvas: the log entry tagged with my position, else my own token.
    logged = aggregate(select((tag_pos, is_tag), (idx, 1), ("==", "==")), tag_tok, "leftmost",
                       default=-1).named("logged")
    rebuilt = ew("where", ew("ge", logged, 0), logged, tok).named("rebuilt")  # Masked-ARM ids
    mdm_canvas = ew("add", rebuilt, lo).named("mdm_canvas")                   # MDM ids
    # 3. the wrapped MDM program on the rebuilt canvas, restricted to positions 0..S-1.
    inner = retarget(mdm_program, canvas=mdm_canvas, positions=idx, context=s, restrict=restrict)
    mdm_token, mdm_fill = inner[token], inner[fill]
    # 4. pick the MDM's decision: the leftmost position of 0..S-1 it fills, and its token.
    chosen = select((mdm_fill, idx), (1, limit), ("==", "<"))
    pick_pos = aggregate(chosen, idx, "leftmost", default=-1).named("pick_pos")
    pick_tok = aggregate(chosen, mdm_token, "leftmost", default=lo).named("pick_tok")
    # 5. emit: a tagged token in the log region, a copy of the rebuilt canvas in the read-out.
    holes = aggregate(select((tok, idx), (lay.hole, limit), ("==", "<")), tok, "count",
                      default=0).named("K")
    log_end = ew("add", holes, s).named("log_end")
    in_log = ew("and", ew("ge", idx, s), ew("lt", idx, log_end)).named("in_log")
    source = ew("sub", idx, log_end).named("readout_src")
    copied = aggregate(select(idx, source, "=="), rebuilt, "leftmost",
                       default=lay.hole).named("copied")
    tagged = ew("add", ew("add", ew("mul", pick_pos, v), ew("sub", pick_tok, lo)), v)
    # No MDM decision (an invalid MDM step) -> emit the mask, which the engine rejects as the
    # MDM engine would have: the two runs then halt INVALID at the same point.
    log_token = ew("where", ew("ge", pick_pos, 0), ew("clip", tagged, lo=0, hi=lay.mask_id),
                   lay.mask_id)
    out_token = ew("where", in_log, log_token, copied).named("token")
    # The Masked-ARM fill rule itself: the leftmost mask of the Masked-ARM canvas.
    first_mask = aggregate(select(tok, lay.mask_id, "=="), idx, "leftmost", default=-1)
    out_fill = ew("eq", idx, first_mask).named("fill")

    outputs = {"token": out_token, "fill": out_fill, "mdm_canvas": mdm_canvas,
               "mdm_fill": mdm_fill, "mdm_token": mdm_token}
    program = Program(outputs, max_length=max_length, name=f"masked_arm({mdm_program.name})")
    return MaskedArm(layout=lay, vocab=TaggedVocab(mdm_vocab, lay), program=program,
                     wrapped=mdm_program, token=token, fill=fill)
