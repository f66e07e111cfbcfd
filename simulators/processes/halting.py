"""Why a run stopped. Every trace records exactly one reason (docs/paper.md §1.5: "a recorded
reason why every run stopped")."""

from __future__ import annotations

from enum import StrEnum


class HaltReason(StrEnum):
    """The halting reasons of all engines (a ``str`` enum, so it serialises as its value)."""

    NO_MASKS = "no_masks"          # MDM: every position is filled
    FIXED_POINT = "fixed_point"    # AP-MDM: g(x) == x
    END_TOKEN = "end_token"        # ARM appended EOS / an AP-MDM canvas contains EOS
    STEP_LIMIT = "step_limit"      # max_steps decoding steps were taken
    LENGTH_LIMIT = "length_limit"  # the next canvas would be longer than max_length
    INVALID = "invalid"            # the policy's decision broke the process's rules (see message)
    MEMORY_LIMIT = "memory_limit"  # recording the next step would exceed max_trace_bytes
