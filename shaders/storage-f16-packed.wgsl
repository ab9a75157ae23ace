/* storage-f16-packed: the tensor storage prelude for float16 tensors on adapters without
   `shader-f16` (and on SwiftShader, where the tests run). Same bytes as an f16 tensor: two halves
   per u32, little-endian, so 4 values are one vec2<u32>; converted with the core built-ins
   unpack2x16float / pack2x16float (round to nearest). Arithmetic is f32. */

alias V4 = vec2<u32>;

fn ld4(v: V4) -> vec4<f32> { return vec4<f32>(unpack2x16float(v.x), unpack2x16float(v.y)); }
fn st4(v: vec4<f32>) -> V4 { return vec2<u32>(pack2x16float(v.xy), pack2x16float(v.zw)); }
