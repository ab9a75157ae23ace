// An RGBA image as plain data (structured-clone safe): what the pipeline returns, img2img takes,
// the UI draws and PNG files hold.

export interface ImageRgba {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major */
  data: Uint8ClampedArray;
}
