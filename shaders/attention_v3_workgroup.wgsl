/* attention_v3_workgroup: attention_v3's reduction of partial scores on devices without
   `subgroups` (or when asked for): each thread writes its ROWS × KEYS partials to workgroup
   memory, and after one barrier every thread of a query group sums the group's SPLIT partials.
   scratch: [ROWS·KEYS4][WG] vec4 (SCRATCH4 = ROWS·KEYS4·WG, or 1 when SPLIT = 1 and nothing is
   exchanged). It is rewritten only after the next tile's two barriers, so no barrier follows. */

var<workgroup> scratch: array<vec4<f32>, SCRATCH4>;

fn sum_parts(s: ptr<function, Scores>, li: u32) {
  if (SPLIT == 1u) { return; }
  for (var r = 0u; r < ROWS; r++) {
    for (var j4 = 0u; j4 < KEYS4; j4++) { scratch[(r * KEYS4 + j4) * WG + li] = (*s)[r][j4]; }
  }
  workgroupBarrier();
  let first = li - li % SPLIT;
  for (var r = 0u; r < ROWS; r++) {
    for (var j4 = 0u; j4 < KEYS4; j4++) {
      var total = vec4<f32>(0.0);
      for (var t = 0u; t < SPLIT; t++) { total += scratch[(r * KEYS4 + j4) * WG + first + t]; }
      (*s)[r][j4] = total;
    }
  }
}

fn lanes_match(li: u32) -> bool {
  return true;
}
