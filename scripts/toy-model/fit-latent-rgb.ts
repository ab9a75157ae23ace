// The toy model's step-preview map (src/image/latent-preview.ts): SD's latent→RGB factors describe
// SD's VAE, not the toy model's own autoencoder, so this fits one for it. Images: the model's own
// outputs stored by its accuracy check (scripts/toy-model/check/{off,default}.rgb.gz, 216 × 128²),
// each encoded by vae_encoder (z: [4, 16, 16]) and decoded again by vae_decoder. Least squares of
// each 8×8 block's mean decoded RGB ([−1, 1]) on that latent pixel's z × scaling_factor (the U-Net's
// latent space) plus a bias; written as "_latent_preview" into vae_decoder/config.json (which
// export.py rewrites: run this again after an export).
// Run: npx vite-node scripts/toy-model/fit-latent-rgb.ts -- [--model public/models/toy]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { latentToRgba, SD_LATENT_RGB, type LatentRgbMap } from '../../src/image/latent-preview.ts';

const modelDir = process.argv.includes('--model') ? process.argv[process.argv.indexOf('--model') + 1] : 'public/models/toy';
const CHECK = 'scripts/toy-model/check';
const configPath = join(modelDir, 'vae_decoder/config.json');
const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
const sf = Number(config.scaling_factor);
const enc = await ort.InferenceSession.create(join(modelDir, 'vae_encoder/model.onnx'));
const dec = await ort.InferenceSession.create(join(modelDir, 'vae_decoder/model.onnx'));

const S = 128;
const L = S / 8;
/** per latent pixel: features [z0..z3 (× sf), 1] and target [r, g, b] */
const rows: { x: number[]; y: number[] }[] = [];
for (const label of ['off', 'default']) {
  const rgb = gunzipSync(readFileSync(join(CHECK, `${label}.rgb.gz`)));
  const n = rgb.length / (S * S * 3);
  for (let k = 0; k < n; k++) {
    const img = new Float32Array(3 * S * S);
    for (let i = 0; i < S * S; i++) for (let c = 0; c < 3; c++) img[c * S * S + i] = (rgb[(k * S * S + i) * 3 + c] / 255) * 2 - 1;
    const z = (await enc.run({ sample: new ort.Tensor('float32', img, [1, 3, S, S]) })).latent_sample.data as Float32Array;
    const out = (await dec.run({ latent_sample: new ort.Tensor('float32', z, [1, 4, L, L]) })).sample.data as Float32Array;
    for (let p = 0; p < L * L; p++) {
      const [py, px] = [Math.floor(p / L), p % L];
      const y = [0, 1, 2].map((c) => {
        let s = 0;
        for (let dy = 0; dy < 8; dy++) for (let dx = 0; dx < 8; dx++) s += out[c * S * S + (py * 8 + dy) * S + px * 8 + dx];
        return s / 64;
      });
      rows.push({ x: [0, 1, 2, 3].map((c) => z[c * L * L + p] * sf).concat(1), y });
    }
  }
}

/** Solves the normal equations (XᵀX) B = XᵀY by Gauss-Jordan elimination with partial pivoting. */
function leastSquares(data: { x: number[]; y: number[] }[]): number[][] {
  const n = data[0].x.length;
  const m = data[0].y.length;
  const a = Array.from({ length: n }, () => new Array<number>(n + m).fill(0));
  for (const { x, y } of data) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i][j] += x[i] * x[j];
      for (let j = 0; j < m; j++) a[i][n + j] += x[i] * y[j];
    }
  }
  for (let col = 0; col < n; col++) {
    const piv = a.slice(col).reduce((best, r, i) => (Math.abs(r[col]) > Math.abs(a[best][col]) ? col + i : best), col);
    [a[col], a[piv]] = [a[piv], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let j = col; j < n + m; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map((r, i) => r.slice(n).map((v) => v / a[i][i]));
}

const B = leastSquares(rows);
const round = (v: number) => Math.round(v * 1e4) / 1e4;
const fitted: LatentRgbMap = {
  source: 'model',
  factors: B.slice(0, 4).map((r) => [round(r[0]), round(r[1]), round(r[2])] as const),
  bias: [round(B[4][0]), round(B[4][1]), round(B[4][2])],
};

/** Mean |preview − decoded 8×8 mean| in 0..255 over every latent pixel, through the app's own map. */
function meanAbsError(map: LatentRgbMap): number {
  const z = new Float32Array(4 * rows.length);
  rows.forEach((r, i) => r.x.slice(0, 4).forEach((v, c) => (z[c * rows.length + i] = v)));
  const img = latentToRgba(z, 1, rows.length, map);
  let s = 0;
  rows.forEach((r, i) => r.y.forEach((v, c) => (s += Math.abs(img.data[i * 4 + c] - Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5)))));
  return s / (rows.length * 3);
}

const errFit = meanAbsError(fitted);
const errSd = meanAbsError(SD_LATENT_RGB);
console.log(`${rows.length} latent pixels; mean |error| per channel (0..255): own fit ${errFit.toFixed(1)}, SD 1.x factors ${errSd.toFixed(1)}`);
console.log(JSON.stringify({ factors: fitted.factors, bias: fitted.bias }));
config._latent_preview = {
  factors: fitted.factors,
  bias: fitted.bias,
  fit: `scripts/toy-model/fit-latent-rgb.ts: least squares on ${rows.length} latent pixels of the check images; mean abs error ${errFit.toFixed(1)}/255 (SD 1.x factors: ${errSd.toFixed(1)})`,
};
// one line per [r, g, b] row, as a person reads the matrix
writeFileSync(configPath, JSON.stringify(config, null, 2).replace(/\[\s+(-?[\d.]+),\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]/g, '[$1, $2, $3]') + '\n');
console.log(`wrote ${configPath}`);
