// PNGs the product writes, read back by an independent decoder (sharp, the image library the product already
// depends on), so a test checks the pixels without trusting our own encoder's idea of the format.
import sharp from 'sharp';

/** Width, height and the RGB pixels, row by row, of a PNG. */
export async function decodePng(png: Uint8Array): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
