/**
 * Decompression of record batch payloads (attributes bits 0-2): gzip (Node's zlib), snappy (raw or in
 * the xerial framing the Java client writes), LZ4 frames and zstd. The broker stores and serves
 * compressed batches as received; it opens them only to read keys and timestamps (compacted topics,
 * ListOffsets by timestamp, the log cleaner).
 */
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

// The codecs load on first use: most runs never open a compressed batch, and loading them costs start-up time.
const require = createRequire(import.meta.url);
const snappyUncompress = (data: Buffer): Buffer =>
  (require('snappy') as typeof import('snappy')).uncompressSync(data) as Buffer;
const decompressFrameSync = (data: Buffer): Buffer =>
  (require('lz4-napi') as typeof import('lz4-napi')).decompressFrameSync(data);
const zstdDecompress = (data: Buffer): Uint8Array =>
  (require('fzstd') as typeof import('fzstd')).decompress(data);

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

function unsnappy(data: Buffer): Buffer {
  if (data.length < XERIAL_HEADER_BYTES || !data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    return snappyUncompress(data);
  }
  const blocks: Buffer[] = [];
  let at = XERIAL_HEADER_BYTES;
  while (at + 4 <= data.length) {
    const size = data.readInt32BE(at);
    at += 4;
    blocks.push(snappyUncompress(data.subarray(at, at + size)));
    at += size;
  }
  return Buffer.concat(blocks);
}

/** The uncompressed records section of a batch compressed with `codec`; throws on unknown codecs. */
export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.none:
      return data;
    case Compression.gzip:
      return gunzipSync(data);
    case Compression.snappy:
      return unsnappy(data);
    case Compression.lz4:
      return decompressFrameSync(data);
    case Compression.zstd: {
      const out = zstdDecompress(data);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}
