/* attention_v3: flash attention for one self-attention site, o = softmax(q kᵀ / √d) v per head,
   register-blocked: every thread owns ROWS queries × DIMS4·4 head dims, so each K or V value read
   from workgroup memory feeds ROWS FMAs (v2: one). Same contract as attention.wgsl (v2):
     q: [B, N, *] head h at values q_off + h·d .. +d of each row (row stride q_ld)
     k, v: [B, M, *] likewise (k_ld, k_off, v_ld, v_off) — a fused QKV/KV buffer works too
     o: [B, N, *] (o_ld, o_off)
   Strides/offsets in V4 units (4 values of the innermost axis, see storage-*.wgsl).
   Grid: (ceil(N / QUERIES), heads, B), QUERIES = (WG / SPLIT)·ROWS. Thread li is `part` li % SPLIT
   of query group li / SPLIT; the group owns queries r·(WG/SPLIT) + group, r < ROWS (adjacent groups
   read adjacent rows), and its SPLIT threads hold dims part·DIMS4·4 .. +DIMS4·4 of each.
   Per tile of KEYS keys (a compile-time constant; every inner loop is const-bounded so the
   driver can unroll it and keep the arrays in registers):
     1. the tile prefetched into registers (k_next, v_next) during the previous tile is stored to
        workgroup memory, and the next tile's loads are issued at once;
     2. partial scores of ROWS × KEYS (query, key) pairs, 4 keys × ROWS independent FMA chains;
     3. sum_parts() adds the SPLIT partials so every thread of the group holds the full scores:
        a subgroupShuffleXor butterfly where the device has `subgroups`
        (attention_v3_subgroup.wgsl) or a workgroup-memory exchange (attention_v3_workgroup.wgsl);
     4. keys past M (ragged last tile) masked to −3e38 (exp2 of it is 0: −∞ for the softmax
        without inf arithmetic); online softmax per query in log2 units (q is pre-scaled by
        log2(e)/√d): one rescale by exp2(m_old − m_new) per tile, p = exp2(s − m_new);
     5. acc += p·v, each V vec4 read once for ROWS queries.
   Scores live in registers (the Scores array); no score tile in workgroup memory.
   Bindings (group 0): 0 q, 1 k, 2 v, 3 o (read_write), 4 params (uniform).
   Host-prepended consts (WGSL private arrays and unrolled loops need const sizes): HEAD_DIM,
   DIMS4, ROWS, SPLIT, WG, KEYS, LOADS = ceil(KEYS·HEAD_DIM/4 / WG), SCRATCH4 (vec4s of the
   workgroup reduction's scratch; 1 on the subgroup path). src/gpu/kernels/attention-v3.ts picks them.

   Versions (bench/kernels.ts; v1 and v2 in attention.wgsl, NVIDIA H200 via Dawn/Vulkan, f32, B=2,
   8 heads × 40, stride 1):
     v2: 2.85 ms at 512² (15.1 TFLOP/s), 39.0 ms at 1024² (17.6 TFLOP/s).
     v3: register blocking (2 queries × ½ of d=40, 2 × ¼ of d=64/80), scores in registers,
         32-key tiles with unrolled loops, prefetch, subgroup reduction. Not yet measured on a GPU
         (correctness only: SwiftShader and Mesa lavapipe). */

struct Params {
  n: u32,
  m: u32,
  _pad0: u32,
  _pad1: u32,
  q_ld4: u32,
  q_off4: u32,
  k_ld4: u32,
  k_off4: u32,
  v_ld4: u32,
  v_off4: u32,
  o_ld4: u32,
  o_off4: u32,
  scale_log2: f32,
}

const D4: u32 = HEAD_DIM / 4u;
const GROUPS: u32 = WG / SPLIT;
const QUERIES: u32 = GROUPS * ROWS;
const TILE4: u32 = KEYS * D4; // vec4s of one K (or V) tile
const KEYS4: u32 = KEYS / 4u;
const MASKED: f32 = -3.0e38;

// scores of one tile: [query r][4 keys]
alias Scores = array<array<vec4<f32>, KEYS4>, ROWS>;

@group(0) @binding(0) var<storage, read> q: array<V4>;
@group(0) @binding(1) var<storage, read> k: array<V4>;
@group(0) @binding(2) var<storage, read> v: array<V4>;
@group(0) @binding(3) var<storage, read_write> o: array<V4>;
@group(0) @binding(4) var<uniform> p: Params;

var<workgroup> k_tile: array<vec4<f32>, TILE4>; // [key][D4]
var<workgroup> v_tile: array<vec4<f32>, TILE4>;
var<private> k_next: array<vec4<f32>, LOADS>;
var<private> v_next: array<vec4<f32>, LOADS>;

/** Loads this thread's share of the tile starting at key t0 into k_next / v_next (keys clamped to M − 1). */
fn fetch_tile(b: u32, h: u32, t0: u32, li: u32) {
  for (var i = 0u; i < LOADS; i++) {
    let e = min(li + i * WG, TILE4 - 1u);
    let key = b * p.m + min(t0 + e / D4, p.m - 1u);
    let c = h * D4 + e % D4;
    k_next[i] = ld4(k[key * p.k_ld4 + p.k_off4 + c]);
    v_next[i] = ld4(v[key * p.v_ld4 + p.v_off4 + c]);
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let b = wid.z;
  let h = wid.y;
  let part = li % SPLIT;
  let group = li / SPLIT;
  let my4 = part * DIMS4;
  let one = vec4<f32>(1.0);

  var qr: array<array<vec4<f32>, DIMS4>, ROWS>;
  var acc: array<array<vec4<f32>, DIMS4>, ROWS>;
  var m_run: array<f32, ROWS>;
  var l_run: array<f32, ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    let n_idx = min(wid.x * QUERIES + r * GROUPS + group, p.n - 1u);
    let base = (b * p.n + n_idx) * p.q_ld4 + p.q_off4 + h * D4 + my4;
    for (var c = 0u; c < DIMS4; c++) {
      qr[r][c] = ld4(q[base + c]) * p.scale_log2;
      acc[r][c] = vec4<f32>(0.0);
    }
    m_run[r] = MASKED;
    l_run[r] = 0.0;
  }

  fetch_tile(b, h, 0u, li);
  for (var t0 = 0u; t0 < p.m; t0 += KEYS) {
    workgroupBarrier(); // every thread is done with the previous tile
    for (var i = 0u; i < LOADS; i++) {
      let e = li + i * WG;
      if (e < TILE4) {
        k_tile[e] = k_next[i];
        v_tile[e] = v_next[i];
      }
    }
    workgroupBarrier();
    if (t0 + KEYS < p.m) { fetch_tile(b, h, t0 + KEYS, li); } // in flight while this tile runs

    // 2. partial scores: 4 keys × ROWS queries per K read
    var s = Scores();
    for (var j4 = 0u; j4 < KEYS4; j4++) {
      var a = array<array<vec4<f32>, 4>, ROWS>(); // explicit zeros: fresh accumulators per 4 keys
      let kr = 4u * j4 * D4 + my4;
      for (var c = 0u; c < DIMS4; c++) {
        let k0 = k_tile[kr + c];
        let k1 = k_tile[kr + D4 + c];
        let k2 = k_tile[kr + 2u * D4 + c];
        let k3 = k_tile[kr + 3u * D4 + c];
        for (var r = 0u; r < ROWS; r++) {
          let qc = qr[r][c];
          a[r][0] = fma(qc, k0, a[r][0]);
          a[r][1] = fma(qc, k1, a[r][1]);
          a[r][2] = fma(qc, k2, a[r][2]);
          a[r][3] = fma(qc, k3, a[r][3]);
        }
      }
      for (var r = 0u; r < ROWS; r++) {
        s[r][j4] = vec4<f32>(dot(a[r][0], one), dot(a[r][1], one), dot(a[r][2], one), dot(a[r][3], one));
      }
    }
    // 3. full scores in every thread of the group
    sum_parts(&s, li);

    // 4. mask the ragged tail, online softmax
    let valid = vec4<u32>(p.m - t0);
    for (var r = 0u; r < ROWS; r++) {
      var mv = vec4<f32>(m_run[r]);
      for (var j4 = 0u; j4 < KEYS4; j4++) {
        let key = vec4<u32>(4u * j4) + vec4<u32>(0u, 1u, 2u, 3u);
        s[r][j4] = select(vec4<f32>(MASKED), s[r][j4], key < valid);
        mv = max(mv, s[r][j4]);
      }
      let m_new = max(max(mv.x, mv.y), max(mv.z, mv.w));
      let alpha = exp2(m_run[r] - m_new);
      m_run[r] = m_new;
      var l = l_run[r] * alpha;
      for (var c = 0u; c < DIMS4; c++) { acc[r][c] *= alpha; }
      for (var j4 = 0u; j4 < KEYS4; j4++) {
        s[r][j4] = exp2(s[r][j4] - vec4<f32>(m_new)); // masked keys: 0
        l += dot(s[r][j4], one);
      }
      l_run[r] = l;
    }

    // 5. acc += p·v: each V vec4 feeds ROWS FMAs
    for (var j4 = 0u; j4 < KEYS4; j4++) {
      for (var jj = 0u; jj < 4u; jj++) {
        let vr = (4u * j4 + jj) * D4 + my4;
        for (var c = 0u; c < DIMS4; c++) {
          let vv = v_tile[vr + c];
          for (var r = 0u; r < ROWS; r++) { acc[r][c] = fma(vec4<f32>(s[r][j4][jj]), vv, acc[r][c]); }
        }
      }
    }
  }

  let ok = lanes_match(li);
  var nan_bits = 0x7fc00000u; // a var: a NaN constant would be a const-expression error
  for (var r = 0u; r < ROWS; r++) {
    let n_idx = wid.x * QUERIES + r * GROUPS + group;
    if (n_idx < p.n) {
      let base = (b * p.n + n_idx) * p.o_ld4 + p.o_off4 + h * D4 + my4;
      // a device whose subgroup lanes do not follow local_invocation_index gives NaN (caught by
      // the kernel self-check) rather than plausible wrong values
      let inv = select(bitcast<f32>(nan_bits), 1.0 / l_run[r], ok);
      for (var c = 0u; c < DIMS4; c++) { o[base + c] = st4(acc[r][c] * inv); }
    }
  }
}
