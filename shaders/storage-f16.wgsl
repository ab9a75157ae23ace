/* storage-f16: the tensor storage prelude for float16 tensors on adapters with `shader-f16`
   (`enable f16`). Same bytes as storage-f16-packed.wgsl; loads and stores are native f16 vectors.
   Arithmetic stays f32 (accumulation precision equals the packed path). */

enable f16;

alias V4 = vec4<f16>;

fn ld4(v: V4) -> vec4<f32> { return vec4<f32>(v); }
fn st4(v: vec4<f32>) -> V4 { return vec4<f16>(v); }
