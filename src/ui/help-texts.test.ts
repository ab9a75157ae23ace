// The texts a person reads when WebGPU is missing, on the simple view's K/V blend slider and on
// the model picker: each says a thing once, and says what is true of the embedded model (issue 21, bug 9).
import { describe, expect, it } from 'vitest';
import { NO_ADAPTER_MESSAGE, NO_WEBGPU_MESSAGE, WebGPUUnavailableError, acquireGpu } from '../gpu/device.ts';
import { MODEL_REGISTRY } from '../pipeline/registry.ts';
import { EMBEDDED_MODEL_ID } from '../params/model-defaults.ts';
import { SA_PARAM_SPECS, SIMPLE_BLEND_TOOLTIP } from '../sa/index.ts';
import { WEBGPU_HINT, describeError } from '../state/run-errors.ts';
import { MODEL_TOOLTIP } from './ModelPicker.tsx';

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
}

function repeated(text: string): string[] {
  const seen = sentences(text);
  return seen.filter((s, i) => seen.indexOf(s) !== i);
}

async function unavailableMessage(gpu: GPU | undefined): Promise<string> {
  const error = await acquireGpu(gpu).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebGPUUnavailableError);
  return (error as Error).message;
}

describe('help texts say each thing once (bug 9)', () => {
  it('no WebGPU: the panel and the Generate blocker name the browsers once, with one Firefox statement', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    const messages = [await unavailableMessage(undefined), await unavailableMessage(noAdapter)]; // no navigator.gpu in Node
    expect(messages).toEqual([NO_WEBGPU_MESSAGE, NO_ADAPTER_MESSAGE]);
    for (const message of messages) {
      const panel = `WebGPU is not available. ${message} ${WEBGPU_HINT}`; // GpuPanel
      const e = describeError(new WebGPUUnavailableError(message));
      const blocker = `${e.message} ${e.hint}`; // RunBar's reason next to Generate
      for (const text of [panel, blocker]) {
        expect(text.match(/Firefox/g)).toHaveLength(1);
        expect(text.match(/not available/g)?.length ?? 0).toBeLessThanOrEqual(1);
        expect(text).toContain('--enable-unsafe-webgpu');
        expect(repeated(text)).toEqual([]);
      }
    }
  });

  it('the simple view’s K/V blend tooltip repeats no sentence and keeps what K and V each do', () => {
    expect(repeated(SIMPLE_BLEND_TOOLTIP)).toEqual([]);
    const tip = (path: string) => SA_PARAM_SPECS.find((s) => s.path === path)!.tooltip;
    expect(SIMPLE_BLEND_TOOLTIP).toContain('For K, avg and max differ little');
    expect(SIMPLE_BLEND_TOOLTIP).toContain('Avg as V gives softer output');
    // the full view's separate sliders still warn against very different blends
    expect(tip('in.k_blend')).toContain('Very different k_blend and v_blend');
    expect(tip('out.v_blend')).toContain('Very different k_blend and v_blend');
  });

  it('the Model tooltip describes the embedded toy model, which draws shapes, not noise', () => {
    const embedded = MODEL_REGISTRY.find((e) => e.id === EMBEDDED_MODEL_ID)!;
    expect(embedded.notes).toMatch(/circle, square or triangle/);
    expect(MODEL_TOOLTIP).not.toMatch(/noise|random weights/);
    expect(MODEL_TOOLTIP).toMatch(/embedded toy model .*circle, square or triangle/);
  });
});
