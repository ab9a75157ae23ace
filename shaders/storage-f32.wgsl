/* storage-f32: the tensor storage prelude for float32 tensors. Prepended to every kernel module
   that reads or writes tensors (see src/gpu/kernels/dtype.ts).
   A tensor is bound as `array<V4>`: one V4 holds 4 consecutive values of the innermost axis.
   ld4 unpacks a V4 to vec4<f32>; st4 packs a vec4<f32> for storing. Arithmetic is always f32. */

alias V4 = vec4<f32>;

fn ld4(v: V4) -> vec4<f32> { return v; }
fn st4(v: vec4<f32>) -> V4 { return v; }
