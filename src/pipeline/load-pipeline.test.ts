import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { create, DataType, StringStringEntryProtoSchema, TensorProto_DataLocation, TensorProtoSchema } from '../onnx/proto.ts';
import { GraphBuilder } from '../onnx/builder.ts';
import { selfCheckModel } from '../gpu/selfcheck-model.ts';
import { detectLayout, externalDataLocations, isSdxlPipeline, loadSdPipeline } from './load-pipeline.ts';
import { memoryModelCache, ModelLoadError, type FileProgress } from './model-source.ts';

/** y = x + W with W stored externally in weights.pb (4 floats). */
function externalModel(): Uint8Array {
  const g = new GraphBuilder();
  g.input({ name: 'x', dataType: DataType.FLOAT, dims: [4] });
  g.initializer(
    create(TensorProtoSchema, {
      name: 'W',
      dataType: DataType.FLOAT,
      dims: [4n],
      dataLocation: TensorProto_DataLocation.EXTERNAL,
      externalData: [
        create(StringStringEntryProtoSchema, { key: 'location', value: 'weights.pb' }),
        create(StringStringEntryProtoSchema, { key: 'offset', value: '0' }),
        create(StringStringEntryProtoSchema, { key: 'length', value: '16' }),
      ],
    }),
  );
  g.node('Add', ['x', 'W'], ['y']);
  g.output({ name: 'y', dataType: DataType.FLOAT, dims: [4] });
  return g.toBytes();
}

const enc = (s: string) => new TextEncoder().encode(s);
const files = new Map<string, Uint8Array | 'truncate'>();
let requests: string[] = [];
let server: Server;
let base = '';

function layout(): void {
  files.clear();
  files.set('/m/model_index.json', enc(JSON.stringify({ _class_name: 'StableDiffusionPipeline' })));
  files.set('/m/scheduler/scheduler_config.json', enc(JSON.stringify({ beta_start: 0.00085 })));
  files.set('/m/tokenizer/vocab.json', enc(JSON.stringify({ a: 0, '<|endoftext|>': 1 })));
  files.set('/m/tokenizer/merges.txt', enc('#version: 0.2\na b\n'));
  files.set('/m/text_encoder/model.onnx', selfCheckModel());
  files.set('/m/unet/model.onnx', externalModel());
  files.set('/m/unet/weights.pb', new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
  files.set('/m/vae_decoder/model.onnx', selfCheckModel());
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url!);
    const f = files.get(req.url!);
    if (!f) {
      res.statusCode = 404;
      res.end('not found');
    } else if (f === 'truncate') {
      res.setHeader('Content-Length', '1000');
      res.flushHeaders();
      res.write(new Uint8Array(100).fill(8), () => setTimeout(() => res.destroy(), 20));
    } else {
      res.setHeader('Content-Length', String(f.byteLength));
      res.end(f);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}/m`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function loadError(): Promise<ModelLoadError> {
  try {
    await loadSdPipeline(base);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelLoadError);
    return e as ModelLoadError;
  }
  throw new Error('expected the load to fail');
}

describe('loadSdPipeline', () => {
  it('loads every file, attaches external weights, and reports progress', async () => {
    layout();
    const progress: FileProgress[] = [];
    const p = await loadSdPipeline(base, { onProgress: (e) => progress.push(e) });
    expect(p.unet.externalData).toHaveLength(1);
    expect(p.unet.externalData[0].path).toBe('weights.pb');
    expect(Array.from(new Float32Array(p.unet.externalData[0].data.slice().buffer))).toEqual([1, 2, 3, 4]);
    expect(p.vaeEncoder).toBeUndefined();
    expect(p.tokenizer.vocab).toEqual({ a: 0, '<|endoftext|>': 1 });
    const doneUnet = progress.find((e) => e.file === 'unet/model.onnx' && e.done)!;
    expect(doneUnet.loaded).toBe((files.get('/m/unet/model.onnx') as Uint8Array).byteLength);
    expect(externalDataLocations(p.unet.bytes)).toEqual(['weights.pb']);
  });

  it('a second load with the cache downloads nothing', async () => {
    layout();
    const cache = memoryModelCache();
    await loadSdPipeline(base, { cache });
    requests = [];
    const progress: FileProgress[] = [];
    await loadSdPipeline(base, { cache, onProgress: (e) => progress.push(e) });
    expect(requests).toEqual(['/m/vae_decoder/config.json', '/m/tokenizer/tokenizer.json', '/m/tokenizer/tokenizer_config.json', '/m/vae_encoder/model.onnx']); // only the absent optional files are re-asked
    expect(progress.filter((e) => e.done).every((e) => e.fromCache)).toBe(true);
  });

  it('404 on the U-Net names the file', async () => {
    layout();
    files.delete('/m/unet/model.onnx');
    const e = await loadError();
    expect(e.kind).toBe('not-found');
    expect(e.message).toContain('unet/model.onnx');
  });

  it('missing external data names the weights file', async () => {
    layout();
    files.delete('/m/unet/weights.pb');
    const e = await loadError();
    expect(e.kind).toBe('missing-file');
    expect(e.message).toContain("'weights.pb'");
  });

  it('a truncated download is reported as such', async () => {
    layout();
    files.set('/m/vae_decoder/model.onnx', 'truncate');
    const e = await loadError();
    expect(e.kind).toBe('truncated');
    expect(e.message).toContain('vae_decoder/model.onnx');
  });

  it('an HTML page in place of a model says what it is', async () => {
    layout();
    files.set('/m/text_encoder/model.onnx', enc('<!DOCTYPE html><html><body>Sign in</body></html>'));
    const e = await loadError();
    expect(e.kind).toBe('format');
    expect(e.message).toMatch(/text_encoder\/model\.onnx is an HTML\/XML page/);
  });

  it('random bytes that start like ONNX but do not parse are a format error', async () => {
    layout();
    const junk = new Uint8Array(256).map((_, i) => (i * 97 + 13) & 255);
    junk[0] = 0x08;
    files.set('/m/unet/model.onnx', junk);
    const e = await loadError();
    expect(e.kind).toBe('format');
    expect(e.message).toContain('unet/model.onnx could not be parsed');
  });

  it('a base URL with nothing of a model there (no model_index.json, no tokenizer) is not-found, not a missing tokenizer', async () => {
    layout();
    for (const f of ['/m/model_index.json', '/m/tokenizer/vocab.json', '/m/tokenizer/merges.txt']) files.delete(f);
    const e = await loadError();
    expect(e.kind).toBe('not-found');
    expect(e.message).toBe(`No model was found at ${base}: neither model_index.json nor a tokenizer (tokenizer/) is there. Is the base URL a diffusers-ONNX folder?`);
  });

  it('no tokenizer files is a missing-file error', async () => {
    layout();
    files.delete('/m/tokenizer/merges.txt');
    const e = await loadError();
    expect(e.kind).toBe('missing-file');
    expect(e.message).toContain('tokenizer');
  });
});

describe('loadSdPipeline: SDXL folders (text_encoder_2/, tokenizer_2/)', () => {
  function xl(): void {
    layout();
    files.set('/m/model_index.json', enc(JSON.stringify({ _class_name: 'StableDiffusionXLPipeline', force_zeros_for_empty_prompt: true })));
    files.set('/m/tokenizer_2/vocab.json', enc(JSON.stringify({ a: 0, '!': 2, '<|endoftext|>': 1 })));
    files.set('/m/tokenizer_2/merges.txt', enc('#version: 0.2\na b\n'));
    files.set('/m/tokenizer_2/tokenizer_config.json', enc(JSON.stringify({ pad_token: '!' })));
    files.set('/m/text_encoder_2/model.onnx', selfCheckModel());
  }

  it('model_index.json StableDiffusionXLPipeline: both tokenizers and both encoders load', async () => {
    xl();
    const p = await loadSdPipeline(base);
    expect(p.tokenizer2?.vocab).toEqual({ a: 0, '!': 2, '<|endoftext|>': 1 });
    expect(p.tokenizer2?.config).toEqual({ pad_token: '!' });
    expect(p.textEncoder2?.path).toBe('text_encoder_2/model.onnx');
  });

  it('an SD 1.x folder does not ask for the SDXL files', async () => {
    layout();
    requests = [];
    const p = await loadSdPipeline(base);
    expect(p.textEncoder2).toBeUndefined();
    expect(requests.some((r) => r.includes('_2/'))).toBe(false);
  });

  it('model_index.json listing text_encoder_2 (any pipeline class) counts as SDXL', () => {
    expect(isSdxlPipeline({ _class_name: 'StableDiffusionXLImg2ImgPipeline' })).toBe(true);
    expect(isSdxlPipeline({ _class_name: 'X', text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'] })).toBe(true);
    expect(isSdxlPipeline({}, ['sample', 'timestep', 'encoder_hidden_states', 'text_embeds', 'time_ids'])).toBe(true);
    expect(isSdxlPipeline({ _class_name: 'StableDiffusionPipeline' }, ['sample', 'timestep', 'encoder_hidden_states'])).toBe(false);
  });

  it('missing tokenizer_2 is a missing-file error that names it', async () => {
    xl();
    files.delete('/m/tokenizer_2/vocab.json');
    const e = await loadError();
    expect(e.kind).toBe('missing-file');
    expect(e.message).toMatch(/^tokenizer_2 is missing: .*tokenizer_2\/ — this is an SDXL pipeline/);
  });

  it('missing text_encoder_2 is a missing-file error that names it', async () => {
    xl();
    files.delete('/m/text_encoder_2/model.onnx');
    const e = await loadError();
    expect(e.kind).toBe('missing-file');
    expect(e.message).toBe('text_encoder_2 is missing (text_encoder_2/model.onnx) — this is an SDXL pipeline (two text encoders), and SDXL conditions on both.');
  });

  it('a flat layout: text_encoder_2 is told apart from text_encoder', () => {
    const l = detectLayout(['unet.onnx', 'text_encoder_2.onnx', 'text_encoder.onnx', 'vae_decoder.onnx', 'tokenizer/vocab.json', 'tokenizer_2/vocab.json']);
    expect(l).toEqual({ unet: 'unet.onnx', textEncoder: 'text_encoder.onnx', textEncoder2: 'text_encoder_2.onnx', vaeDecoder: 'vae_decoder.onnx', vaeEncoder: null, tokenizerDir: 'tokenizer/', tokenizer2Dir: 'tokenizer_2/' });
  });
});
