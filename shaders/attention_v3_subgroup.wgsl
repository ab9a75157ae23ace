/* attention_v3_subgroup: attention_v3's reduction of partial scores on devices with `subgroups`.
   The SPLIT threads of a query group are adjacent invocations (li / SPLIT), so with SPLIT ≤ the
   subgroup size (the host keeps SPLIT ≤ subgroupMinSize, at least 4) and subgroup lanes that
   follow local_invocation_index, a butterfly of subgroupShuffleXor over masks 1, 2, … < SPLIT
   leaves the full sum in every thread of the group. No workgroup memory, no barrier.
   Called in uniform control flow (the tile loop's bound is a uniform). */

enable subgroups;

fn sum_parts(s: ptr<function, Scores>, li: u32) {
  for (var mask = 1u; mask < SPLIT; mask *= 2u) {
    for (var r = 0u; r < ROWS; r++) {
      for (var j4 = 0u; j4 < KEYS4; j4++) { (*s)[r][j4] += subgroupShuffleXor((*s)[r][j4], mask); }
    }
  }
}

/** Whether each thread's xor partners are the invocations li ^ mask (lanes follow li). */
fn lanes_match(li: u32) -> bool {
  var ok = true;
  for (var mask = 1u; mask < SPLIT; mask *= 2u) {
    ok = ok & (subgroupShuffleXor(li, mask) == (li ^ mask)); // `&`: no short circuit around a subgroup op
  }
  return ok;
}
