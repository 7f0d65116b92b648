import { randomFillSync } from 'node:crypto';

/**
 * Each pushed frame carries its own index as a strip of black/white blocks: 20 bits of index and a
 * 4-bit checksum. A reader crops the strip out of the decoded picture, reads the index back and looks
 * up when that frame was handed to the encoder. Large blocks survive H.264 at any sane bitrate; the
 * checksum rejects the rare misread.
 */
export const INDEX_BITS = 20;
const CHECK_BITS = 4;
const BITS = INDEX_BITS + CHECK_BITS;
const BLOCK = 24;

/** Where the code sits in the picture (even numbers: yuv420p crops need them). */
export const STRIP = { x: 48, y: 48, width: BITS * BLOCK, height: BLOCK } as const;

const popcount = (n: number) => {
  let c = 0;
  for (let v = n; v; v >>>= 1) c += v & 1;
  return c;
};

function bitsOf(index: number): number[] {
  const value = index & ((1 << INDEX_BITS) - 1);
  const check = popcount(value) & ((1 << CHECK_BITS) - 1);
  const bits: number[] = [];
  for (let i = 0; i < INDEX_BITS; i++) bits.push((value >> i) & 1);
  for (let i = 0; i < CHECK_BITS; i++) bits.push((check >> i) & 1);
  return bits;
}

/** Draws the code of `index` into the luma plane of a yuv420p frame. */
export function drawCode(frame: Buffer, width: number, index: number): void {
  const bits = bitsOf(index);
  for (let b = 0; b < BITS; b++) {
    const value = bits[b] ? 235 : 16;
    for (let y = 0; y < BLOCK; y++) {
      const row = (STRIP.y + y) * width + STRIP.x + b * BLOCK;
      frame.fill(value, row, row + BLOCK);
    }
  }
}

/** Reads the index back from the cropped strip (8-bit gray, STRIP.width × STRIP.height), or null. */
export function readCode(gray: Buffer): number | null {
  let value = 0;
  let check = 0;
  for (let b = 0; b < BITS; b++) {
    // The middle of the block: its edges bleed into the neighbours after compression.
    let sum = 0;
    let n = 0;
    for (let y = 6; y < BLOCK - 6; y++) {
      for (let x = 6; x < BLOCK - 6; x++) {
        sum += gray[y * STRIP.width + b * BLOCK + x]!;
        n++;
      }
    }
    const bit = sum / n > 125 ? 1 : 0;
    if (b < INDEX_BITS) value |= bit << b;
    else check |= bit << (b - INDEX_BITS);
  }
  return (popcount(value) & ((1 << CHECK_BITS) - 1)) === check ? value : null;
}

/**
 * Source pictures: a gradient with noise (so the encoder has real work and the bitrate is real),
 * a few different ones cycled, neutral chroma.
 */
export function makeBackgrounds(width: number, height: number, count = 6): Buffer[] {
  const lumaSize = width * height;
  const frames: Buffer[] = [];
  const noise = Buffer.alloc(lumaSize);
  for (let k = 0; k < count; k++) {
    const frame = Buffer.alloc(lumaSize * 1.5, 128);
    randomFillSync(noise);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        frame[i] = 40 + ((x + y + k * 40) % 160) + (noise[i]! & 31);
      }
    }
    frames.push(frame);
  }
  return frames;
}
