// P5 of bench/suite.ts: the largest square size a candidate runs — the size grows by 128 until a
// call fails (thrown error, WebGPU out-of-memory or validation error scope) or takes longer than
// --p5-limit-s.
import { call, inputsFor, torchSkip, windowsAt, type Bench, type Candidate, type P5Result } from './suite-run.ts';

export async function largestSize(b: Bench, c: Candidate, log: (s: string) => void): Promise<P5Result> {
  const p5 = b.o.p5!;
  const res: P5Result = { candidate: c, largest: 0, msAtLargest: 0, stop: `reached --p5-max ${p5.max}` };
  for (let size = 128; size <= p5.max; size += 128) {
    const skip = c === 'torch' ? torchSkip({ ...b, o: { ...b.o, torchMax: Infinity } }, size) : undefined;
    if (skip) return { ...res, stop: `${size}px: ${skip}` };
    const inputs = inputsFor(b, size);
    const w = windowsAt(b, inputs);
    b.device.pushErrorScope('out-of-memory');
    b.device.pushErrorScope('validation');
    let ms = 0;
    let failure: string | undefined;
    try {
      ({ ms } = await call(b, c, inputs, w));
    } catch (e) {
      failure = (e as Error).message.split('\n')[0];
    }
    const validation = await b.device.popErrorScope();
    const oom = await b.device.popErrorScope();
    failure ??= oom?.message ?? validation?.message;
    log(`  P5 ${c} ${size}px: ${failure ? `failed (${failure})` : `${ms.toFixed(0)} ms`}`);
    if (failure) return { ...res, stop: `${size}px failed: ${failure.slice(0, 80)}` };
    [res.largest, res.msAtLargest] = [size, ms];
    if (ms > p5.limitMs) return { ...res, stop: `${size}px took longer than the ${p5.limitMs / 1000} s limit` };
  }
  return res;
}
