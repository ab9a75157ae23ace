/* attention: flash attention for one self-attention site, o = softmax(q kᵀ / √d) v per head, with
   an online softmax over K/V tiles held in workgroup memory; the N×M score matrix never exists.
   Shapes (V4 = 4 values of the innermost axis, see storage-*.wgsl; strides/offsets in V4 units):
     q: [B, N, *] head h at values q_off + h·d .. +d of each row (row stride q_ld)
     k, v: [B, M, *] likewise (k_ld, k_off, v_ld, v_off) — a fused QKV/KV buffer works too
     o: [B, N, *] (o_ld, o_off): the layout `to_out` expects when o_ld = C, o_off = 0
   Grid: (ceil(N / QUERIES), heads, B). Each query is owned by SPLIT adjacent threads; thread
   `part` keeps q and the output accumulator for dims part·d/SPLIT .. +d/SPLIT in registers.
   Per K/V tile of KEYS keys: (1) each thread writes its partial dot products to s_tile,
   (2) if SPLIT > 1 the partials are summed, (3) every thread of the query rescales its
   accumulator by exp2(m_old − m_new) and adds exp2(s − m_new)·v. Scores are in log2 units
   (q is pre-scaled by log2(e)/√d). Any N and M; ragged tiles are bounded, not padded.
   Bindings (group 0): 0 q, 1 k, 2 v, 3 o (read_write), 4 params (uniform).
   Overrides: HEAD_DIM, SPLIT, QUERIES, KEYS. The host prepends `const DIMS4 = HEAD_DIM/(4·SPLIT)`
   because WGSL private arrays need const sizes.

   Versions (bench/kernels.ts on an NVIDIA H200 through Dawn/Vulkan, f32, B=2, 8 heads × 40,
   stride 1; full tables in bench/kernels.md):
     v1: one query per SPLIT threads, q/acc in registers, K and V tiles broadcast from workgroup
         memory, one online-softmax rescale per tile, scores one key at a time. 64 threads × 40
         keys: 5.0 ms at 512² (8.6 TFLOP/s). Smaller key tiles ran faster (more resident
         workgroups hide the latency of the score loop's single FMA chain): best 3.1 ms at 512²
         (128 × 28), 43.7 ms at 1024² (64 × 12, 15.7 TFLOP/s).
     v2: scores of 4 keys at once (16 independent FMA chains per thread); default tile 128
         threads × 16 keys: 2.85 ms at 512² (15.1 TFLOP/s), 39.0 ms at 1024² (17.6 TFLOP/s;
         v1 at that tile 50.7 ms). */

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

override HEAD_DIM: u32 = 40u;
override SPLIT: u32 = 1u;
override QUERIES: u32 = 64u;
override KEYS: u32 = 32u;
override WG: u32 = QUERIES * SPLIT;

@group(0) @binding(0) var<storage, read> q: array<V4>;
@group(0) @binding(1) var<storage, read> k: array<V4>;
@group(0) @binding(2) var<storage, read> v: array<V4>;
@group(0) @binding(3) var<storage, read_write> o: array<V4>;
@group(0) @binding(4) var<uniform> p: Params;

var<workgroup> k_tile: array<vec4<f32>, KEYS * HEAD_DIM / 4u>;
var<workgroup> v_tile: array<vec4<f32>, KEYS * HEAD_DIM / 4u>;
var<workgroup> s_tile: array<f32, KEYS * WG>; // [key][thread]

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let b = wid.z;
  let h = wid.y;
  let d4 = HEAD_DIM / 4u;
  let query = li / SPLIT;
  let part = li % SPLIT;
  let n_idx = wid.x * QUERIES + query;
  let live = n_idx < p.n;
  let my4 = part * DIMS4;
  let srow = query * SPLIT; // where this query's summed scores live in s_tile

  var qr: array<vec4<f32>, DIMS4>;
  var acc: array<vec4<f32>, DIMS4>;
  let qbase = (b * p.n + min(n_idx, p.n - 1u)) * p.q_ld4 + p.q_off4 + h * d4 + my4;
  for (var c = 0u; c < DIMS4; c++) {
    qr[c] = ld4(q[qbase + c]) * p.scale_log2;
    acc[c] = vec4<f32>(0.0);
  }
  var m_run = -3.0e38;
  var l_run = 0.0;

  for (var t0 = 0u; t0 < p.m; t0 += KEYS) {
    let count = min(KEYS, p.m - t0);
    for (var i = li; i < KEYS * d4; i += WG) {
      let key = b * p.m + min(t0 + i / d4, p.m - 1u);
      let c = h * d4 + i % d4;
      k_tile[i] = ld4(k[key * p.k_ld4 + p.k_off4 + c]);
      v_tile[i] = ld4(v[key * p.v_ld4 + p.v_off4 + c]);
    }
    workgroupBarrier();

    // 4 keys at a time: 16 independent FMA chains instead of 4 (keys past `count` read the
    // clamped last key and are never used; KEYS is a multiple of 4)
    for (var j = 0u; j < count; j += 4u) {
      var s0 = vec4<f32>(0.0);
      var s1 = vec4<f32>(0.0);
      var s2 = vec4<f32>(0.0);
      var s3 = vec4<f32>(0.0);
      let r = j * d4 + my4;
      for (var c = 0u; c < DIMS4; c++) {
        let qc = qr[c];
        s0 = fma(qc, k_tile[r + c], s0);
        s1 = fma(qc, k_tile[r + d4 + c], s1);
        s2 = fma(qc, k_tile[r + 2u * d4 + c], s2);
        s3 = fma(qc, k_tile[r + 3u * d4 + c], s3);
      }
      let one = vec4<f32>(1.0);
      s_tile[j * WG + li] = dot(s0, one);
      s_tile[(j + 1u) * WG + li] = dot(s1, one);
      s_tile[(j + 2u) * WG + li] = dot(s2, one);
      s_tile[(j + 3u) * WG + li] = dot(s3, one);
    }
    if (SPLIT > 1u) {
      workgroupBarrier();
      for (var j = part; j < count; j += SPLIT) {
        var total = 0.0;
        for (var t = 0u; t < SPLIT; t++) { total += s_tile[j * WG + srow + t]; }
        s_tile[j * WG + srow] = total;
      }
      workgroupBarrier();
    }

    var m_new = m_run;
    for (var j = 0u; j < count; j++) { m_new = max(m_new, s_tile[j * WG + srow]); }
    let alpha = exp2(m_run - m_new);
    l_run *= alpha;
    for (var c = 0u; c < DIMS4; c++) { acc[c] *= alpha; }
    for (var j = 0u; j < count; j++) {
      let pj = exp2(s_tile[j * WG + srow] - m_new);
      l_run += pj;
      for (var c = 0u; c < DIMS4; c++) { acc[c] = fma(vec4<f32>(pj), v_tile[j * d4 + my4 + c], acc[c]); }
    }
    m_run = m_new;
    workgroupBarrier(); // the next tile overwrites k_tile, v_tile, s_tile
  }

  if (live) {
    let obase = (b * p.n + n_idx) * p.o_ld4 + p.o_off4 + h * d4 + my4;
    let inv = 1.0 / l_run;
    for (var c = 0u; c < DIMS4; c++) { o[obase + c] = st4(acc[c] * inv); }
  }
}
