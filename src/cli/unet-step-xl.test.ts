// `unet-step --cpu --sites` on the tiny-xl U-Net (SDXL's depth pattern, 16/32/64 channels): 70 sites
// with side, level, channels, depth (SPEC_SA §5a: relative to the first level WITH attention) and
// windows equal to values worked by hand; SA off equals the unsplit model on onnxruntime-node;
// the SDXL inputs are required and checked.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../onnx/npy.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { buildUnet } from '../models/unet.ts';
import { maxAbsDiff, runCpu, toF32, unetFeeds } from '../models/testing/cpu-run.ts';
import { memoryIo } from './io.ts';
import { runCli } from './run.ts';

const u = PIPELINE_CONFIGS['tiny-xl'].unet;
const tmp = mkdtempSync(join(tmpdir(), 'slothful-unet-step-xl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const built = buildUnet(u, { attention: 'torch2', dtype: 'float32', seed: 1 });
writeFileSync(join(tmp, 'unet.onnx'), built.model);
const feeds = unetFeeds('float32', { batch: 1, height: 16, width: 16, contextDim: u.crossAttentionDim, addition: { textEmbedsDim: 32 }, timestep: 600 });
const npy = (name: string, t: { dims: readonly number[]; data: unknown }) => {
  writeFileSync(join(tmp, name), writeNpy({ dtype: '<f4', shape: [...t.dims], data: t.data as Float32Array }));
  return join(tmp, name);
};
const paths = { sample: npy('s.npy', feeds.sample), context: npy('c.npy', feeds.encoder_hidden_states), textEmbeds: npy('te.npy', feeds.text_embeds), timeIds: npy('ti.npy', feeds.time_ids) };
const flags = (out: string, extra: string[]) => ['unet-step', '--cpu', '--unet', join(tmp, 'unet.onnx'), '--sample', paths.sample, '--context', paths.context, '--timestep', '600', '--out', join(tmp, out), ...extra];

describe('unet-step --cpu on tiny-xl', { timeout: 300_000 }, () => {
  it('--sites lists 70 sites with levels, depths and windows as worked by hand (t = 600, default SA)', async () => {
    const io = memoryIo();
    const code = await runCli(flags('on.npy', ['--text-embeds', paths.textEmbeds, '--sites', join(tmp, 'sites.json')]), io);
    expect(code, io.lines.join('\n')).toBe(0);
    const report = JSON.parse(readFileSync(join(tmp, 'sites.json'), 'utf8'));
    expect(report.sites).toHaveLength(70);
    // Latent 16×16 ⇒ level 1 grid 8×8, level 2 grid 4×4. t = 600 ⇒ time = 0.4 = peak_time ⇒ time_ratio 1.
    // Depth = C / 32 (level 1 is the first with attention): 1 at 32 channels, 2 at 64 and mid.
    //  in  L1 (depth 1): s = 6            ⇒ 3×2 (⌈√6⌉ = 3, ⌈6/3⌉ = 2), pooled ⌊8/3⌋ × ⌊8/2⌋ = 2×4
    //  in  L2 (depth 2): s = 6 · ¼ = 1.5  ⇒ 2×1, pooled 2×4
    //  mid (depth 2): keep_middle ⇒ plain
    //  out L2 (depth 2): s = 4 · ¼ = 1    ⇒ plain (s ≤ 1)
    //  out L1 (depth 1): s = 4            ⇒ 2×2, pooled 4×4
    const rows = new Map<string, number>();
    for (const s of report.sites) {
      const w = s.window;
      const key = `${s.side} L${s.level} C${s.channels} d${s.depth} ${s.h}×${s.w} ${s.label}${w.active ? ` ${w.ho}×${w.wo}` : ` ${w.reason}`}`;
      rows.set(key, (rows.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(rows)).toEqual({
      'in L1 C32 d1 8×8 3×2 2×4': 4,
      'in L2 C64 d2 4×4 2×1 2×4': 20,
      'mid L2 C64 d2 4×4 — keep_middle': 10,
      'out L2 C64 d2 4×4 — weak': 30,
      'out L1 C32 d1 8×8 2×2 4×4': 6,
    });
    expect(report.sites[4].name).toBe('down_blocks.2.attentions.0.transformer_blocks.0.attn1');
  });

  it('SA off equals the unsplit model on onnxruntime-node (≤1e-4); SA on differs', async () => {
    const io = memoryIo();
    const code = await runCli(flags('off.npy', ['--text-embeds', paths.textEmbeds, '--time-ids', paths.timeIds, '--sa', '{"enabled": false}']), io);
    expect(code, io.lines.join('\n')).toBe(0);
    const whole = toF32((await runCpu(built, feeds)).out_sample);
    const off = readNpy(readFileSync(join(tmp, 'off.npy'))).data as Float32Array;
    expect(maxAbsDiff(off, whole)).toBeLessThanOrEqual(1e-4);
    const on = readNpy(readFileSync(join(tmp, 'on.npy'))).data as Float32Array; // the default time_ids equal feeds.time_ids (128, 128, 0, 0, 128, 128)
    expect(maxAbsDiff(on, whole)).toBeGreaterThan(1e-4);
  });

  it('an SDXL U-Net without --text-embeds is a usage error naming the flag', async () => {
    const io = memoryIo();
    const code = await runCli(flags('x.npy', []), io);
    expect(code).not.toBe(0);
    expect(io.lines.join('\n')).toMatch(/--text-embeds/);
  });
});
