/* repack: y[r, g·dout + j] = x[r, g·din + j] for j < len, 0 for len ≤ j < dout — a row-wise copy that
   changes the width of `groups` column groups. It is the general path of a self-attention site
   whose channels or head_dim are not multiples of 4 (src/gpu/site.ts): n [B·N, C] is widened to
   [B·N, C4] (groups 1, zeros after C) before pooling and the projections, and the attention
   output [B·N, heads·dp] is narrowed back to [B·N, heads·d] (groups = heads, len = d) for to_out.
   The vectorised kernels in between then only see multiples of 4 (zero columns add nothing).
   Element-agnostic: it moves raw 32- or 16-bit values inside u32 words (ELEM_BITS), so one module
   serves f32, packed f16 and native f16 tensors (no arithmetic, no `enable f16`).
   Shapes: x: [rows, groups·din], y: [rows, groups·dout], both densely packed values.
   One thread per u32 word of y (16-bit: 2 values; the upper half past the last value is 0).
   Bindings (group 0): 0 x (read), 1 y (read_write), 2 params (uniform).
   Overrides: ELEM_BITS (32 or 16), WG (threads per workgroup). */

struct Params {
  rows: u32,
  groups: u32,
  din: u32,
  dout: u32,
  len: u32,
  words: u32, // u32 words of y to write
}

override ELEM_BITS: u32 = 32u;
override WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> y: array<u32>;
@group(0) @binding(2) var<uniform> p: Params;

// The bits of y's value at flat index i (0 for padding and past the end).
fn value(i: u32) -> u32 {
  let width = p.groups * p.dout;
  let row = i / width;
  let g = (i % width) / p.dout;
  let j = i % p.dout;
  if (row >= p.rows || j >= p.len) { return 0u; }
  let src = row * p.groups * p.din + g * p.din + j;
  if (ELEM_BITS == 32u) { return x[src]; }
  return (x[src / 2u] >> ((src % 2u) * 16u)) & 0xffffu;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let word = gid.x + gid.y * nwg.x * WG;
  if (word >= p.words) { return; }
  if (ELEM_BITS == 32u) {
    y[word] = value(word);
  } else {
    y[word] = value(2u * word) | (value(2u * word + 1u) << 16u);
  }
}
