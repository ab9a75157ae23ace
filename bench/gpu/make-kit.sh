#!/usr/bin/env bash
# Builds a self-contained kit to run the benchmarks on a bare Linux x86-64 GPU machine with no
# network and no Node: bench/kernels.ts and bench/suite.ts bundled (one Vite SSR build, two
# entries), this machine's Node binary, Dawn's dawn.node (npm `webgpu`), onnxruntime-web's WebGPU
# runtime, and Debian's Vulkan loader and libglvnd packages — xz-compressed, ~33 MiB in all.
# Nothing here is committed; the kit is written to .device/kit (git-ignored).
#   bash bench/gpu/make-kit.sh      → .device/kit; on the GPU machine: bash .device/kit/run.sh
#                                     (the whole kit in one call; see bench/gpu/run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=.device/kit
rm -rf "$kit" && mkdir -p "$kit/debs" "$kit/node_modules/webgpu/dist/linux-x64" "$kit/node_modules/onnxruntime-web/dist"

cat > "$kit/bundle.config.mjs" <<CFG
export default {
  configFile: false, publicDir: false, logLevel: 'warn',
  build: { ssr: true, outDir: '${kit}/app', emptyOutDir: true, target: 'node20', minify: false,
           rollupOptions: { input: { kernels: 'bench/kernels.ts', suite: 'bench/suite.ts' },
                            output: { format: 'es', entryFileNames: '[name].mjs' } } },
  ssr: { noExternal: true, external: ['webgpu', 'onnxruntime-web'] },
};
CFG
npx vite build --config "$kit/bundle.config.mjs"

xz -T0 -6 -c "$(command -v node)" > "$kit/node.xz"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$kit/dawn.node.xz"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$kit/node_modules/webgpu/"
cp node_modules/onnxruntime-web/package.json "$kit/node_modules/onnxruntime-web/"
cp node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.mjs "$kit/node_modules/onnxruntime-web/dist/"
xz -T0 -6 -c node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm > "$kit/ort.wasm.xz"
cp bench/gpu/run.sh "$kit/run.sh"
git log -1 --format='%h (%cs)' > "$kit/COMMIT"

# The GPU machine may lack the Vulkan loader and GLVND: carry Debian's amd64 packages.
lists=$(mktemp -d)
apt_o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists="$lists")
mkdir -p "$lists/partial"
apt-get "${apt_o[@]}" update -qq
(cd "$kit/debs" && apt-get "${apt_o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
du -sh "$kit"
echo "Carry $kit and run: bash $kit/run.sh   (the whole kit, < 8 min; --smoke for a tiny check, or: run.sh kernels|suite <args>)"
