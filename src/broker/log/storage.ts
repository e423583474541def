/**
 * Where a partition's segments keep their bytes: in memory (tests), or in append-only files of a data
 * directory (`npm start`). A segment file holds record batches back to back exactly as served, the
 * layout of Kafka's own `.log` files, so a file is its own source of truth after a crash.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';

/** The bytes of one segment. Positions are byte offsets within it. */
export interface SegmentData {
  append(batch: Buffer): void;
  /** `length` bytes from `position`; in memory, the stored buffers themselves. */
  read(position: number, length: number): Buffer;
  /** Makes appended bytes durable (fsync); a no-op in memory. */
  flush(): void;
  /** Replaces the content with `batches` (the log cleaner's output). */
  rewrite(batches: Buffer[]): void;
  close(): void;
  remove(): void;
}

/** Batches kept as the buffers they arrived in: reads are views, not copies. */
export class MemorySegmentData implements SegmentData {
  private chunks: Buffer[] = [];
  private starts: number[] = [];
  private size = 0;

  append(batch: Buffer): void {
    this.chunks.push(batch);
    this.starts.push(this.size);
    this.size += batch.length;
  }

  read(position: number, length: number): Buffer {
    // Reads start at a batch boundary; one batch is returned as is, several are joined.
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] as number) <= position) low = mid;
      else high = mid - 1;
    }
    const first = this.chunks[low] as Buffer;
    if ((this.starts[low] as number) === position && first.length === length) return first;
    const parts: Buffer[] = [];
    let taken = 0;
    for (let i = low; i < this.chunks.length && taken < length; i++) {
      const chunk = this.chunks[i] as Buffer;
      parts.push(chunk);
      taken += chunk.length;
    }
    return Buffer.concat(parts).subarray(
      position - (this.starts[low] as number),
      position - (this.starts[low] as number) + length,
    );
  }

  flush(): void {}

  rewrite(batches: Buffer[]): void {
    this.chunks = [];
    this.starts = [];
    this.size = 0;
    for (const batch of batches) this.append(batch);
  }

  close(): void {}

  remove(): void {
    this.chunks = [];
    this.starts = [];
  }
}

/** A segment file, opened for appending; writes go to the OS at once, fsync only on flush(). */
export class FileSegmentData implements SegmentData {
  private fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a+');
  }

  append(batch: Buffer): void {
    let written = 0;
    while (written < batch.length) written += writeSync(this.fd, batch, written, batch.length - written);
  }

  read(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buffer, done, length - done, position + done);
      if (n === 0) throw new Error(`${this.path}: ${length} bytes expected at ${position}, file ends before`);
      done += n;
    }
    return buffer;
  }

  flush(): void {
    fsyncSync(this.fd);
  }

  rewrite(batches: Buffer[]): void {
    const staging = `${this.path}.cleaned`;
    const fd = openSync(staging, 'w');
    for (const batch of batches) writeSync(fd, batch);
    fsyncSync(fd);
    closeSync(fd);
    closeSync(this.fd);
    renameSync(staging, this.path);
    this.fd = openSync(this.path, 'a+');
  }

  close(): void {
    closeSync(this.fd);
  }

  remove(): void {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }
}
