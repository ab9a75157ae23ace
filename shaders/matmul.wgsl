/* matmul: Y = X · W (+ bias), the Q/K/V projections of a self-attention site.
   Shapes (V4 = 4 values of the innermost axis, see storage-*.wgsl):
     x: [R, K]   rows of tokens, row stride ldx (values)
     w: [K, ldw] weights as ONNX MatMul initializers store them (x·W); columns col_w .. col_w+ncols
     bias: [ldw] (read only when HAS_BIAS), same columns as w
     y: [R, ldy] output columns col_y .. col_y+ncols
   All of K, ldx, ldw, col_w, ldy, col_y, ncols are multiples of 4.
   Bindings (group 0): 0 x, 1 w, 2 bias, 3 y (read_write), 4 params (uniform).
   Overrides: HAS_BIAS; tiled: TILE_M × TILE_N (multiples of 4) of Y per workgroup of
   (TILE_N/4)×(TILE_M/4) threads, each owning a 4×4 block of Y; TILE_K (multiple of 4) per step.

   Versions (llm.c style; bench/kernels.ts on an NVIDIA H200 via Dawn/Vulkan, f32, fused QKV
   8192×320 · 320×960 at 512² / 32768×320 · 320×960 at 1024²; tables in bench/kernels.md):
     v1 `naive`: one thread per 4 output columns of one row; X and W read from global memory.
        0.54 ms (9.3 TFLOP/s) / 2.58 ms (7.8 TFLOP/s).
     v2 `tiled`: 64×64 tile of Y per workgroup, 4×4 register block per thread, vec4 loads of X
        and W into workgroup memory (X stored transposed so a thread reads its 4 rows as one
        vec4): 2 vec4 workgroup loads per 16 FMAs instead of 4 global loads per 16.
        0.20 ms (25.6 TFLOP/s) / 0.95 ms (21.3 TFLOP/s): 2.7× v1. On SwiftShader v2 is slower
        than v1 (barriers are expensive on a CPU), which does not matter there. */

struct Params {
  rows: u32,
  k: u32,
  ncols: u32,
  ldx4: u32,   // row strides and column offsets in V4 units
  ldw4: u32,
  col_w4: u32,
  ldy4: u32,
  col_y4: u32,
}

override HAS_BIAS: bool = false;
override TILE_K: u32 = 16u;

@group(0) @binding(0) var<storage, read> x: array<V4>;
@group(0) @binding(1) var<storage, read> w: array<V4>;
@group(0) @binding(2) var<storage, read> bias: array<V4>;
@group(0) @binding(3) var<storage, read_write> y: array<V4>;
@group(0) @binding(4) var<uniform> p: Params;

fn bias4(col4: u32) -> vec4<f32> {
  if (HAS_BIAS) { return ld4(bias[p.col_w4 + col4]); }
  return vec4<f32>(0.0);
}

// v1: y[r, c4] = Σ_k x[r, k] · w[k, c4]
@compute @workgroup_size(64)
fn naive(@builtin(global_invocation_id) gid: vec3<u32>) {
  let cols4 = p.ncols / 4u;
  let r = gid.y;
  let c4 = gid.x;
  if (r >= p.rows || c4 >= cols4) { return; }
  var acc = bias4(c4);
  for (var k4 = 0u; k4 < p.k / 4u; k4++) {
    let a = ld4(x[r * p.ldx4 + k4]);
    let kb = k4 * 4u;
    acc += a.x * ld4(w[(kb + 0u) * p.ldw4 + p.col_w4 + c4]);
    acc += a.y * ld4(w[(kb + 1u) * p.ldw4 + p.col_w4 + c4]);
    acc += a.z * ld4(w[(kb + 2u) * p.ldw4 + p.col_w4 + c4]);
    acc += a.w * ld4(w[(kb + 3u) * p.ldw4 + p.col_w4 + c4]);
  }
  y[r * p.ldy4 + p.col_y4 + c4] = st4(acc);
}

override TILE_M: u32 = 64u;
override TILE_N: u32 = 64u;

// xs[k][m]: the X tile transposed (vec4 over 4 consecutive rows); ws[k][n]: the W tile.
var<workgroup> xs: array<vec4<f32>, TILE_K * TILE_M / 4u>;
var<workgroup> ws: array<vec4<f32>, TILE_K * TILE_N / 4u>;

// v2: one workgroup per TILE_M×TILE_N tile of Y; thread (tx, ty) owns rows 4ty..4ty+3, columns 4tx..4tx+3.
@compute @workgroup_size(TILE_N / 4u, TILE_M / 4u)
fn tiled(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
         @builtin(local_invocation_index) li: u32) {
  let row0 = wid.y * TILE_M;
  let col0_4 = wid.x * (TILE_N / 4u);
  let cols4 = p.ncols / 4u;
  var acc: array<vec4<f32>, 4>;
  for (var t = 0u; t < p.k; t += TILE_K) {
    // X tile: TILE_M rows × TILE_K/4 vec4; stored transposed as xs[k][m/4] components.
    for (var i = li; i < TILE_M * TILE_K / 4u; i += (TILE_M / 4u) * (TILE_N / 4u)) {
      let m = i / (TILE_K / 4u);
      let k4 = i % (TILE_K / 4u);
      let r = row0 + m;
      let kk = t + k4 * 4u;
      var a = vec4<f32>(0.0);
      if (r < p.rows && kk < p.k) { a = ld4(x[r * p.ldx4 + kk / 4u]); }
      let base = (k4 * 4u) * (TILE_M / 4u) + m / 4u;
      let lane = m % 4u;
      xs[base][lane] = a.x;
      xs[base + TILE_M / 4u][lane] = a.y;
      xs[base + 2u * TILE_M / 4u][lane] = a.z;
      xs[base + 3u * TILE_M / 4u][lane] = a.w;
    }
    // W tile: TILE_K rows × TILE_N/4 vec4.
    for (var i = li; i < TILE_K * TILE_N / 4u; i += (TILE_M / 4u) * (TILE_N / 4u)) {
      let kr = i / (TILE_N / 4u);
      let c4 = i % (TILE_N / 4u);
      var b = vec4<f32>(0.0);
      if (t + kr < p.k && col0_4 + c4 < cols4) { b = ld4(w[(t + kr) * p.ldw4 + p.col_w4 + col0_4 + c4]); }
      ws[i] = b;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      let a = xs[kk * (TILE_M / 4u) + lid.y];
      let b = ws[kk * (TILE_N / 4u) + lid.x];
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }
  let c4 = col0_4 + lid.x;
  if (c4 >= cols4) { return; }
  let bv = bias4(c4);
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + lid.y * 4u + i;
    if (r < p.rows) { y[r * p.ldy4 + p.col_y4 + c4] = st4(acc[i] + bv); }
  }
}
