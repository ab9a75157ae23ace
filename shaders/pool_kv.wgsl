/* pool_kv: the K-input and V-input token sets of SlothfulAttention (SPEC_SA.md §4) in one pass.
     one  = n at the top-left token of each window (strided sample)
     pool = window mean (mode 0, avg) or element-wise max (mode 1, max)
     k = one + (pool − one)·k_blend,  v = one + (pool − one)·v_blend
   2D windows of rows×cols tokens on the h×w grid, output grid ho×wo (ragged edges dropped);
   1D windows of len tokens on the flat raster order are the same with rows = 1, cols = len,
   w = N, wo = M.
   Shapes (V4 = 4 channels, see storage-*.wgsl): n: [B, N, C] → k, v: [B, M, C].
   One thread per (b, m, 4 channels). With k_blend = v_blend the caller reads k for both and
   write_v = 0; with both blends 0 the window is not reduced (strided sample only).
   Bindings (group 0): 0 n, 1 k (read_write), 2 v (read_write), 3 params (uniform).
   Overrides: WG (threads per workgroup). */

struct Params {
  n_tokens: u32, // N
  m_tokens: u32, // M
  c4: u32,       // C / 4
  batch: u32,
  w: u32,        // input grid width (1D: N)
  wo: u32,       // pooled grid width (1D: M)
  rows: u32,     // window rows (1D: 1)
  cols: u32,     // window columns (1D: len)
  mode: u32,     // 0 avg, 1 max
  write_v: u32,
  k_blend: f32,
  v_blend: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> n: array<V4>;
@group(0) @binding(1) var<storage, read_write> k_out: array<V4>;
@group(0) @binding(2) var<storage, read_write> v_out: array<V4>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= p.batch * p.m_tokens * p.c4) { return; }
  let c = idx % p.c4;
  let bm = idx / p.c4;
  let m = bm % p.m_tokens;
  let b = bm / p.m_tokens;
  let first = (m / p.wo) * p.rows * p.w + (m % p.wo) * p.cols;
  let row0 = b * p.n_tokens + first;
  let one = ld4(n[row0 * p.c4 + c]);
  var pool = one;
  if (p.k_blend != 0.0 || p.v_blend != 0.0) {
    for (var a = 0u; a < p.rows; a++) {
      for (var t = 0u; t < p.cols; t++) {
        if (a == 0u && t == 0u) { continue; }
        let x = ld4(n[(row0 + a * p.w + t) * p.c4 + c]);
        pool = select(pool + x, max(pool, x), p.mode == 1u);
      }
    }
    if (p.mode == 0u) { pool = pool / f32(p.rows * p.cols); }
  }
  k_out[idx] = st4(one + (pool - one) * p.k_blend);
  if (p.write_v != 0u) { v_out[idx] = st4(one + (pool - one) * p.v_blend); }
}
