"""Helpers of experiments 2 and 3: per-length validity/coverage, the compact vocabulary map."""

from __future__ import annotations

import numpy as np

from experiments.dyck import summarise
from experiments.pram_mdm import CompactMDMPolicy, compact_vocab
from simulators.learned.config import ModelConfig
from simulators.learned.policies import LearnedMDMPolicy
from simulators.learned.train import build_model


def test_summarise_counts_validity_and_coverage() -> None:
    # Two-sided Dyck-2 ids: a1=0, a2=1, A1=2, A2=3. Length 2 has 4 words.
    words = [np.array(w) for w in ([0, 2], [0, 2], [3, 1], [0, 1], [])]
    ok = np.array([True, True, True, False, True])
    rows = summarise("m", words, ok, [5, 5, 5, 5, 1], train_max=0, halts=["fixed_point"] * 5)
    by_len = {r["length"]: r for r in rows}
    assert by_len[2]["n"] == 4 and by_len[2]["accuracy"] == 0.75
    assert by_len[2]["distinct_valid"] == 2 and by_len[2]["language_size"] == 4
    assert by_len[2]["coverage"] == 0.5 and by_len[2]["beyond_training"]
    assert by_len[0]["coverage"] == 1.0


def test_compact_map_round_trips_known_ids_and_hides_unknown_ones() -> None:
    ids = np.array([3, 10, 99])
    mask = 1000
    vocab = compact_vocab(ids)
    inner = LearnedMDMPolicy(build_model(ModelConfig(vocab_size=len(vocab)), 0), vocab)
    pol = CompactMDMPolicy(inner, ids, mask)
    enc = pol.encode(np.array([99, 3, mask, 7, 10]))
    assert enc.tolist() == [2, 0, vocab.mask_id, vocab.bos_id, 1]
    (dec,) = pol.decide_batch([np.array([3, mask, mask])])
    assert set(dec.tokens.tolist()) <= {3, 10, 99}  # never the mask nor [UNK]
