#!/usr/bin/env bash
# Runs a benchmark kit made by bench/gpu/make-kit.sh on a GPU machine: unpacks the Vulkan/GLVND
# packages and the xz-compressed Node, dawn.node and ORT wasm, points the Vulkan loader at the
# NVIDIA driver when present, and runs the bundled bench with the given arguments.
set -u
cd "$(dirname "$0")"
for f in debs/*.deb; do dpkg -x "$f" /; done
ldconfig
for pair in node.xz:node dawn.node.xz:node_modules/webgpu/dist/linux-x64/dawn.node ort.wasm.xz:node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm; do
  mkdir -p "$(dirname "${pair#*:}")"
  xz -d -c "${pair%%:*}" > "${pair#*:}"
done
chmod +x node
command -v nvidia-smi >/dev/null && nvidia-smi -L
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
# SLOTHFUL_GPU=system: use the machine's GPU, not SwiftShader (src/gpu/node-gpu.ts).
export SLOTHFUL_GPU=system XDG_RUNTIME_DIR=/tmp
exec ./node --liftoff-only app/bench.mjs "$@"
