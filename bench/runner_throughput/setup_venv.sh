#!/bin/sh
# Create bench/.venv (git-ignored) with the harnesses compared by run_bench.py.
# torch comes from a local CPU wheel when one is given (TORCH_WHEEL=path), else from PyPI.
set -eu
cd "$(dirname "$0")/../.."
python3 -m venv bench/.venv
if [ -n "${TORCH_WHEEL:-}" ]; then bench/.venv/bin/pip install -q "$TORCH_WHEEL"; fi
bench/.venv/bin/pip install -q inspect-ai lm-eval openai aiohttp
bench/.venv/bin/pip list 2>/dev/null | grep -iE '^(inspect.ai|lm.eval|torch|openai) '
