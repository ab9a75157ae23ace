#!/usr/bin/env bash
# Builds what the served app needs: the embedded default model (if missing) and the production bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
npx vite build --logLevel warn
