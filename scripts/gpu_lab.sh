#!/usr/bin/env bash
# The lab on one GPU (issue 12), sized to fit about 10 minutes on one H100/H200:
# a 5-point singleton-rate sweep with a GPT-2 at N = 200,000 (200 exposures of a
# once-stated fact, bf16, torch.compile; tokens/s and MFU printed) plus the incentives
# experiment on the last model. Writes $OUT/gpu_lab.json and $OUT/gpu_lab.log.
#
#   scripts/gpu_lab.sh                 # ~8M-parameter model (preset gpu), sized to fit
#   scripts/gpu_lab.sh --size 26m      # ~26M parameters (preset gpu26m), projected > 10 min
#   scripts/gpu_lab.sh --smoke         # the same code on CPU at a tiny size (seconds)
#
# Environment: PYTHON (default .venv/bin/python), OUT (default gpu-lab-out).
# Not yet run on a GPU: none was lent while it was written (see docs/lab.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
OUT="${OUT:-gpu-lab-out}"
mkdir -p "$OUT"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
fi
"$PYTHON" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
start=$(date +%s)
"$PYTHON" -m dontguess lab gpu --out "$OUT" "$@" 2>&1 | tee "$OUT/gpu_lab.log"
echo "gpu_lab.sh: $(( $(date +%s) - start ))s wall in all" | tee -a "$OUT/gpu_lab.log"
