#!/usr/bin/env bash
# `npm start`: install (first time), build the embedded default model and the app, serve it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/prepare-app.sh
PORT="${PORT:-4173}"
echo "Starting Slothful at http://127.0.0.1:${PORT}/ (ready when Vite prints its Local: line; Ctrl+C stops it)"
exec npx vite preview --host 127.0.0.1 --port "$PORT" --strictPort
