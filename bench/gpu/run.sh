#!/usr/bin/env bash
# Runs a benchmark kit made by bench/gpu/make-kit.sh on a GPU machine, in one call:
#   bash run.sh [--smoke]            the whole kit: kernel bench, then the suite in fp32 and (where
#                                    the device has shader-f16) fp16 — planned to end in < 8 min
#   bash run.sh kernels|suite <args> one bench with your own arguments
# --smoke (or SLOTHFUL_SMOKE=1): tiny sizes and one rep, to check the kit end to end on a CPU
# Vulkan (e.g. Mesa lavapipe via VK_ICD_FILENAMES). Unpacks the Vulkan/GLVND packages only where
# the system has no Vulkan loader, and the xz-compressed Node, dawn.node and ORT wasm; points the
# Vulkan loader at the NVIDIA driver when present and no driver was named; sets SLOTHFUL_GPU=system.
# Each part has a deadline (it stops starting sizes) and a hard timeout, so tables always print.
set -u -o pipefail
cd "$(dirname "$0")"
start=$(date +%s)
smoke=${SLOTHFUL_SMOKE:-0}
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi

if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  for f in debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
for pair in node.xz:node dawn.node.xz:node_modules/webgpu/dist/linux-x64/dawn.node ort.wasm.xz:node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm; do
  [ -s "${pair#*:}" ] && continue
  mkdir -p "$(dirname "${pair#*:}")"
  xz -d -c "${pair%%:*}" > "${pair#*:}"
done
chmod +x node
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
# SLOTHFUL_GPU=system: use the machine's Vulkan driver, not SwiftShader (src/gpu/node-gpu.ts).
export SLOTHFUL_GPU=system XDG_RUNTIME_DIR=/tmp
if command -v nvidia-smi >/dev/null; then
  SLOTHFUL_DRIVER="nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
  export SLOTHFUL_DRIVER
fi
bench() { ./node --liftoff-only "app/$1.mjs" "${@:2}"; }
left() { echo $(( ${budget} - ($(date +%s) - start) )); }

if [ "${1:-}" = kernels ] || [ "${1:-}" = suite ]; then bench "$@"; exit $?; fi

# The whole kit. Budget (s) on an H100/H200 class GPU, from bench/README.md and bench/kernels.md
# (H200 fp32: 512² U-Net call 153 ms split / 550 ms torch form; attention 4 ms at 512², 40 ms at
# 1024² per level-0 site): kernels ~60; each suite ~60 to build sd15 in memory and create three
# models' sessions, then 512..2048² × 5 candidates × (1 warm-up + 3 reps) ≈ 150 in fp32.
if [ "$smoke" = 1 ]; then
  budget=${KIT_BUDGET_S:-1500}
  kernels_args=(--sizes 64 --reps 1)
  suite_args=(--sizes 64 --reps 1 --warmup 0 --batch 1)
  m32=tiny; m16=tiny-fp16; t_kernels=600
else
  budget=${KIT_BUDGET_S:-470}
  kernels_args=(--check --sizes 512,1024 --reps 5)
  suite_args=(--sizes 512,768,1024,1536,2048 --reps 3 --warmup 1 --batch 2 --timestep 600 --torch-max 768)
  m32=sd15; m16=sd15-fp16; t_kernels=110
fi
echo "## Slothful GPU kit — $(date -u '+%Y-%m-%d %H:%M') UTC, $(cat COMMIT 2>/dev/null)"
echo "${SLOTHFUL_DRIVER:-no nvidia-smi}; VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}; budget ${budget} s$([ "$smoke" = 1 ] && echo ', SMOKE (tiny sizes: checks the kit, not speed)')"
echo
timeout "$t_kernels" ./node --liftoff-only app/kernels.mjs "${kernels_args[@]}" | tee /tmp/slothful-kernels.out || echo "kernels: exit $? (124 = hit its ${t_kernels} s timeout)"
echo
# The kernel bench's header says whether the device has shader-f16. With it, fp32 gets half of
# what is left and fp16 the rest; without it fp32 gets it all (the fp16 suite then only prints
# why it skips). Each suite stops starting sizes and rounds at its deadline and is killed 60 s after.
f16=1
grep -q '^- device features.*shader-f16' /tmp/slothful-kernels.out || f16=0
share=$(( $(left) * (f16 ? 50 : 100) / 100 - 70 ))
timeout $(( share + 60 )) ./node --liftoff-only app/suite.mjs --model "$m32" "${suite_args[@]}" --deadline-s "$share" || echo "suite fp32: exit $?"
echo
rest=$(( $(left) - 10 ))
timeout "$rest" ./node --liftoff-only app/suite.mjs --model "$m16" "${suite_args[@]}" --deadline-s $(( rest - 60 > 30 ? rest - 60 : 30 )) || echo "suite fp16: exit $?"
echo
echo "kit done in $(( $(date +%s) - start )) s"
