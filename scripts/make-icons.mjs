#!/usr/bin/env node
// Draws the app icon (a white envelope on a blue rounded square) as PNG files for electron-builder,
// with zlib and no image library: build/icon.png (512x512, macOS and Windows) and build/icons/
// {512x512,256x256}.png (Linux). Run `node scripts/make-icons.mjs` after changing the drawing;
// the files are committed, so packaging does not run this.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const root = join(import.meta.dirname, '..');

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA pixels, 4x supersampled at the edges for smooth outlines. */
function draw(size) {
  const s = size / 512;
  const radius = 96 * s;
  const inside = (x, y) => {
    // The rounded square, 32 px in from the edge.
    const lo = 32 * s;
    const hi = size - 32 * s;
    if (x < lo || y < lo || x > hi || y > hi) return 'none';
    const cx = Math.min(Math.max(x, lo + radius), hi - radius);
    const cy = Math.min(Math.max(y, lo + radius), hi - radius);
    if ((x - cx) ** 2 + (y - cy) ** 2 > radius ** 2) return 'none';
    // The envelope: a white rectangle with a blue flap outline.
    const ex0 = 112 * s, ex1 = 400 * s, ey0 = 152 * s, ey1 = 360 * s;
    if (x >= ex0 && x <= ex1 && y >= ey0 && y <= ey1) {
      const mid = (ex0 + ex1) / 2;
      const flapY = ey0 + (Math.abs(x - mid) / (mid - ex0)) * -(ey1 - ey0) * 0.55 + (ey1 - ey0) * 0.55;
      if (Math.abs(y - flapY) < 10 * s) return 'bg';
      return 'paper';
    }
    return 'bg';
  };
  const colors = { none: [0, 0, 0, 0], bg: [37, 99, 235, 255], paper: [255, 255, 255, 255] };
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const c = colors[inside(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)];
          sum[0] += c[0] * c[3];
          sum[1] += c[1] * c[3];
          sum[2] += c[2] * c[3];
          sum[3] += c[3];
        }
      const alpha = sum[3] / 16;
      const pixel = alpha === 0 ? [0, 0, 0, 0] : [sum[0] / sum[3], sum[1] / sum[3], sum[2] / sum[3], alpha].map(Math.round);
      row.set(pixel, 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(join(root, 'build', 'icons'), { recursive: true });
const big = draw(512);
writeFileSync(join(root, 'build', 'icon.png'), big);
writeFileSync(join(root, 'build', 'icons', '512x512.png'), big);
writeFileSync(join(root, 'build', 'icons', '256x256.png'), draw(256));
console.log('wrote build/icon.png and build/icons/{512x512,256x256}.png');
