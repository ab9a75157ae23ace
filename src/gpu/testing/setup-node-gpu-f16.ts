// Vitest setup for the `gpu-f16` project: Dawn on a Vulkan driver with `shader-f16` — Mesa 25's
// lavapipe made by scripts/vulkan-f16.sh (VK_ICD_FILENAMES, or its default place under .cache/).
// The suite exists to run the native-f16 kernels: an adapter without shader-f16 fails it (never skips).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { nodeGpu } from '../node-gpu.ts';
import { GpuTestError, testGpuContext } from './with-gpu-device.ts';

const LOCAL_ICD = resolve(import.meta.dirname, '../../../.cache/vulkan-f16/lvp_icd.json');
if (!process.env.VK_ICD_FILENAMES && existsSync(LOCAL_ICD)) process.env.VK_ICD_FILENAMES = LOCAL_ICD;
if (!process.env.VK_ICD_FILENAMES) {
  throw new GpuTestError('The gpu-f16 tests need a Vulkan driver with shader-f16: run `bash scripts/vulkan-f16.sh` (Mesa 25 lavapipe, project-local) first.');
}
await nodeGpu();
const { report } = await testGpuContext();
if (!report.shaderF16) {
  throw new GpuTestError(`The gpu-f16 tests need an adapter with shader-f16; ${report.description || report.device} (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}) has none.`);
}
