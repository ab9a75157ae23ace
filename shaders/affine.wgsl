/* affine: y[i] = x[i] * scale + offset, elementwise over a flat f32 array.
   The GPU self-check kernel: proves that our WGSL and onnxruntime-web share buffers on one GPUDevice.
   Shapes: x, y: [count] f32.
   Bindings (group 0): 0 x (read), 1 y (read_write), 2 params { count: u32 }.
   Overrides: WG (workgroup size), scale, offset. */

override WG: u32 = 64u;
override scale: f32 = 1.0;
override offset: f32 = 0.0;

struct Params { count: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.count) { return; }
  y[i] = x[i] * scale + offset;
}
