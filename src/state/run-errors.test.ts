import { describe, expect, it } from 'vitest';
import { describeError, isInterruption, RunRequestError } from './run-errors.ts';

describe('describeError', () => {
  it('reads engine errors that crossed the worker as {name, message, kind}', () => {
    expect(describeError({ name: 'ModelLoadError', kind: 'missing-file', message: 'no tokenizer' })).toEqual({
      name: 'ModelLoadError', kind: 'missing-file', message: 'no tokenizer', hint: 'The model folder lacks a file the pipeline needs; pick another model or fix the folder.',
    });
  });

  it('a file that is valid ONNX but not a Stable Diffusion U-Net is a format error with what to do', () => {
    const e = describeError({ name: 'UnetStructureError', message: 'The U-Net has no self-attention (attn1) nodes. Is this a Stable Diffusion U-Net?' });
    expect(e).toMatchObject({ name: 'UnetStructureError', kind: 'format' });
    expect(e.hint).toMatch(/not a Stable Diffusion pipeline in ONNX/);
    expect(describeError(Object.assign(new Error('bad tensor'), { name: 'ModelFormatError' })).kind).toBe('format');
  });

  it('other errors keep their name and get no load kind', () => {
    expect(describeError(new TypeError('x is undefined'))).toEqual({ name: 'TypeError', message: 'x is undefined' });
    expect(describeError('plain string')).toEqual({ name: 'Error', message: 'plain string' });
    expect(describeError(new RunRequestError('busy', 'wait'))).toEqual({ name: 'RunRequestError', message: 'busy', hint: 'wait' });
    expect(isInterruption({ name: 'ModelLoadError', kind: 'aborted' })).toBe(true);
    expect(isInterruption({ name: 'ModelLoadError', kind: 'format' })).toBe(false);
  });
});
