#!/usr/bin/env bash
# The one test command (`npm test`): installs what the tests need, then runs every level:
# typecheck + lint, Vitest unit (Node), Vitest GPU (Node + Dawn on SwiftShader), Vitest native f16
# (Node + Dawn on Mesa 25 lavapipe, unpacked into .cache/ by scripts/vulkan-f16.sh), Playwright
# e2e (built app in Debian's Chromium with WebGPU on SwiftShader).
set -euo pipefail
cd "$(dirname "$0")/.."

# each level says how long it took (CI has 90 minutes on 2 cores; the whole run should stay under 45)
level_start=$SECONDS
level() {
  [ -n "${level_name:-}" ] && echo "== ${level_name}: $((SECONDS - level_start)) s"
  level_name=$1
  level_start=$SECONDS
  echo "== $1"
}

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libvulkan1 >/dev/null 2>&1 || need_apt+=(libvulkan1)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]} (apt)"
  sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "${SLOTHFUL_SKIP_NPM_CI:-0}" != 1 ]; then
  level "npm ci"
  npm ci --no-audit --no-fund
fi

level "typecheck + lint"
npx tsc --noEmit -p tsconfig.json
npx eslint .

level "unit tests (Vitest, Node)"
npx vitest run --project unit

level "GPU tests (Vitest, Node + Dawn on SwiftShader)"
npx vitest run --project gpu

level "native-f16 GPU tests (Vitest, Node + Dawn on Mesa 25 lavapipe: shader-f16)"
icd=$(bash scripts/vulkan-f16.sh | tail -1)
VK_ICD_FILENAMES="$icd" npx vitest run --project gpu-f16

level "end-to-end tests (Playwright, Chromium + WebGPU on SwiftShader)"
bash scripts/prepare-app.sh
npx playwright test

level "the dev server (vite) serves onnxruntime-web too: GPU self-check there"
E2E_DEV=1 E2E_PORT=4174 npx playwright test e2e/gpu-status.spec.ts --project webgpu
level "done"
