#!/usr/bin/env bash
# The full-scale learned experiments on one lent GPU, as one command that cannot overrun:
#
#   bash experiments/gpu_run.sh OUT_DIR [BUDGET_SECONDS]
#   ONLY="sudoku" bash experiments/gpu_run.sh OUT_DIR 7200   # some experiments only
#   ONLY="maxflow maxflow_bits" bash experiments/gpu_run.sh OUT_DIR 1800   # graph editing, with
#                                                  # the bit-weighted AP-MDM (its own files)
#
# 1. prints the environment (GPU, driver, torch/numpy versions, git commit) into OUT_DIR/env.txt;
# 2. a dry run: times the smoke scale on this GPU and prints the extrapolated full-scale plan
#    (OUT_DIR/plan.txt) -- read it: if the expected total exceeds the budget, phases at the end
#    of the plan will not run;
# 3. the full-scale run with --budget-s (default 540 s, for a 10-minute lease with the dry run and
#    start-up inside it), under `timeout` as a last resort; every finished phase is written to
#    OUT_DIR as it completes (parity/dyck/pram_mdm .json/.md, run_all.json with the status).
#
# Then copy OUT_DIR/{parity,dyck,pram_mdm,sudoku,...}.{json,md,png} into docs/results/ and commit
# them with the device named in their provenance; until then the committed results are
# cpu-reduced. The Sudoku full scale (9x9 at the paper's width and depth, 3 seeds) needs far
# more than the default budget: read its lines of plan.txt and give it its own run via ONLY.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:?usage: bash experiments/gpu_run.sh OUT_DIR [BUDGET_SECONDS]}"
BUDGET="${2:-540}"
PY="${PYTHON:-.venv/bin/python}"
mkdir -p "$OUT"
{
  date -u
  git rev-parse HEAD 2>/dev/null || true
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null || true
  "$PY" -c 'import torch, numpy
print("torch", torch.__version__, "cuda", torch.version.cuda, "numpy", numpy.__version__)
print("device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")' \
    2>&1 || true
} | tee "$OUT/env.txt"
"$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)' \
  || { echo "no CUDA device visible to torch; nothing run" >&2; exit 3; }
START=$(date +%s)
timeout 170 "$PY" -m experiments.run_all --dry-run --device cuda --scale full ${ONLY:+--only $ONLY} \
  | tee "$OUT/plan.txt"
LEFT=$(( BUDGET - ($(date +%s) - START) ))
if [ "$LEFT" -lt 60 ]; then echo "less than 60 s of budget left after the dry run" >&2; exit 3; fi
timeout $(( LEFT + 30 )) "$PY" -m experiments.run_all --device cuda --scale full \
  --out "$OUT" --no-progress --budget-s "$LEFT" ${ONLY:+--only $ONLY}
cat "$OUT/run_all.json"
