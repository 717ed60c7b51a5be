#!/usr/bin/env bash
# Static checks: ruff (lint + format), the import contracts (import-linter) and mypy --strict, as configured
# in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/setup-python.sh
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> import contracts (pyproject.toml [tool.importlinter])"
.venv/bin/lint-imports --no-cache
echo "==> mypy"
.venv/bin/mypy
