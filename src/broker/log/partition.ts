/**
 * One partition's log: segments of record batches, offsets, the idempotent producers' sequence state,
 * retention and compaction. Offsets follow Kafka's definitions
 * (https://kafka.apache.org/documentation/#design_log): the log start offset is the first offset a
 * consumer may read, the log end offset the next to be written; with one replica and every write
 * acknowledged once appended, the high watermark is the log end offset.
 */
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { TopicConfig } from '../configs.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import {
  Attributes,
  BATCH_HEADER_BYTES,
  type BatchHeader,
  crcMatches,
  encodeBatch,
  readBatchHeader,
  readRecords,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from '../records/batch.js';
import { FileSegmentData, MemorySegmentData, type SegmentData } from './storage.js';

/** Where a batch lies: enough to serve it, time it out or compact it without opening it. */
interface BatchEntry {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  position: number;
  size: number;
  /** Set by the cleaner on batches holding tombstones: when they may go (KIP-534). */
  deleteHorizonMs?: number;
}

class Segment {
  readonly entries: BatchEntry[] = [];
  bytes = 0;

  constructor(
    readonly baseOffset: number,
    readonly data: SegmentData,
    readonly createdAt: number,
  ) {}

  get maxTimestamp(): number {
    let max = -1;
    for (const e of this.entries) if (e.maxTimestamp > max) max = e.maxTimestamp;
    return max;
  }

  /** Index of the batch holding `offset`, or of the first batch after it. */
  find(offset: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.entries[mid] as BatchEntry).lastOffset < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

interface ProducerBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
  timestamp: number;
}

interface ProducerState {
  epoch: number;
  /** The last five batches, for duplicate detection (Kafka keeps as many). */
  batches: ProducerBatch[];
}

const PRODUCER_BATCHES_KEPT = 5;
const INT32_MAX = 2147483647;

export interface AppendResult {
  baseOffset: number;
  /** The broker's time for LogAppendTime topics, else -1. */
  logAppendTime: number;
}

export interface PartitionLogOptions {
  /** The partition's folder in a data directory; in memory when absent. */
  dir?: string;
  config: () => TopicConfig;
  now?: () => number;
  log?: (message: string) => void;
}

const segmentName = (baseOffset: number) => `${String(baseOffset).padStart(20, '0')}.log`;

/** A partition's log. Synchronous: the broker runs one request at a time per event-loop turn. */
export class PartitionLog {
  private segments: Segment[] = [];
  logStartOffset = 0;
  logEndOffset = 0;
  private readonly producers = new Map<number, ProducerState>();
  private unflushedMessages = 0;
  /** Offset below which the cleaner has compacted (Kafka's cleaner checkpoint). */
  private cleanedUpTo = 0;
  private readonly now: () => number;

  constructor(private readonly options: PartitionLogOptions) {
    this.now = options.now ?? Date.now;
    if (options.dir) {
      mkdirSync(options.dir, { recursive: true });
      this.recover(options.dir);
    }
    if (this.segments.length === 0) this.roll();
  }

  get highWatermark(): number {
    return this.logEndOffset;
  }

  /** Bytes held by the log (segment sizes). */
  get size(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1] as Segment;
  }

  private newData(baseOffset: number): SegmentData {
    return this.options.dir
      ? new FileSegmentData(join(this.options.dir, segmentName(baseOffset)))
      : new MemorySegmentData();
  }

  private roll(): void {
    const previous = this.segments[this.segments.length - 1];
    previous?.data.flush();
    this.segments.push(new Segment(this.logEndOffset, this.newData(this.logEndOffset), this.now()));
  }

  /**
   * Validates a v2 batch against this partition (producer epoch and sequence, Kafka's
   * ProducerStateManager rules), assigns its offsets and appends it. The batch buffer is modified in place
   * (base offset, leader epoch, LogAppendTime) and kept. Throws KafkaError.
   */
  append(batch: Buffer, header: BatchHeader): AppendResult {
    const config = this.options.config();
    const now = this.now();
    const idempotent = header.producerId >= 0;
    let producer: ProducerState | undefined;
    if (idempotent) {
      producer = this.producers.get(header.producerId);
      const lastSeq = wrapSequence(header.baseSequence + header.lastOffsetDelta);
      if (producer) {
        if (header.producerEpoch < producer.epoch) {
          throw new KafkaError(
            ErrorCode.INVALID_PRODUCER_EPOCH,
            `Epoch of producer ${header.producerId} is ${header.producerEpoch}, which is smaller than the last seen epoch ${producer.epoch}`,
          );
        }
        if (header.producerEpoch === producer.epoch) {
          const duplicate = producer.batches.find(
            (b) => b.firstSeq === header.baseSequence && b.lastSeq === lastSeq,
          );
          if (duplicate) {
            return {
              baseOffset: duplicate.baseOffset,
              logAppendTime: config.logAppendTime ? duplicate.timestamp : -1,
            };
          }
          const last = producer.batches[producer.batches.length - 1];
          if (last && header.baseSequence !== wrapSequence(last.lastSeq + 1)) {
            throw new KafkaError(
              ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
              `Out of order sequence number for producer ${header.producerId}: ${header.baseSequence} (incoming seq. number), ${last.lastSeq} (current end sequence number)`,
            );
          }
        } else if (header.baseSequence !== 0) {
          throw new KafkaError(
            ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
            `Invalid sequence number for new epoch of producer ${header.producerId}: ${header.producerEpoch} (request epoch), ${header.baseSequence} (seq. number), ${producer.epoch} (current producer epoch)`,
          );
        }
      }
    }

    if (
      this.active.bytes > 0 &&
      (this.active.bytes + batch.length > config.number('segment.bytes') ||
        now - this.active.createdAt >= config.number('segment.ms'))
    ) {
      this.roll();
    }
    const baseOffset = this.logEndOffset;
    setBaseOffset(batch, baseOffset);
    setPartitionLeaderEpoch(batch, 0);
    let maxTimestamp = header.maxTimestamp;
    let logAppendTime = -1;
    if (config.logAppendTime) {
      setLogAppendTime(batch, now);
      maxTimestamp = now;
      logAppendTime = now;
    }
    const segment = this.active;
    segment.data.append(batch);
    const lastOffset = baseOffset + header.lastOffsetDelta;
    segment.entries.push({
      baseOffset,
      lastOffset,
      maxTimestamp,
      position: segment.bytes,
      size: batch.length,
    });
    segment.bytes += batch.length;
    this.logEndOffset = lastOffset + 1;

    if (idempotent) {
      this.remember(header.producerId, header.producerEpoch, {
        firstSeq: header.baseSequence,
        lastSeq: wrapSequence(header.baseSequence + header.lastOffsetDelta),
        baseOffset,
        lastOffset,
        timestamp: maxTimestamp,
      });
    }
    this.unflushedMessages += header.recordsCount;
    if (this.unflushedMessages >= config.number('flush.messages')) {
      segment.data.flush();
      this.unflushedMessages = 0;
    }
    return { baseOffset, logAppendTime };
  }

  private remember(producerId: number, epoch: number, batch: ProducerBatch): void {
    let state = this.producers.get(producerId);
    if (!state || state.epoch !== epoch) {
      state = { epoch, batches: [] };
      this.producers.set(producerId, state);
    }
    state.batches.push(batch);
    if (state.batches.length > PRODUCER_BATCHES_KEPT) state.batches.shift();
  }

  /**
   * Batches from the one holding `offset`, up to `maxBytes` in total but at least one whole batch (as
   * Kafka does, so a batch larger than the limit still makes progress). Empty at or past the end.
   */
  read(offset: number, maxBytes: number, minOne = true): Buffer[] {
    const out: Buffer[] = [];
    let total = 0;
    let s = this.segmentIndexFor(offset);
    for (; s < this.segments.length; s++) {
      const segment = this.segments[s] as Segment;
      let i = segment.find(offset);
      if (i >= segment.entries.length) continue;
      const first = segment.entries[i] as BatchEntry;
      let length = 0;
      for (; i < segment.entries.length; i++) {
        const entry = segment.entries[i] as BatchEntry;
        if (total + length + entry.size > maxBytes && (total > 0 || length > 0 || !minOne)) break;
        length += entry.size;
      }
      if (length > 0) {
        out.push(segment.data.read(first.position, length));
        total += length;
      }
      if (i < segment.entries.length || length === 0) break;
    }
    return out;
  }

  private segmentIndexFor(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.segments[mid] as Segment).baseOffset <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** Bytes available from `offset` up to `limit` (Fetch's minBytes check). */
  bytesFrom(offset: number, limit: number): number {
    let total = 0;
    for (let s = this.segmentIndexFor(offset); s < this.segments.length && total < limit; s++) {
      const segment = this.segments[s] as Segment;
      for (let i = segment.find(offset); i < segment.entries.length && total < limit; i++) {
        total += (segment.entries[i] as BatchEntry).size;
      }
    }
    return total;
  }

  private *batches(): Generator<{ segment: Segment; entry: BatchEntry }> {
    for (const segment of this.segments) for (const entry of segment.entries) yield { segment, entry };
  }

  /**
   * The first offset whose record timestamp is at or after `timestamp`, with that record's timestamp
   * (ListOffsets by time); null when every record is older.
   */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    for (const { segment, entry } of this.batches()) {
      if (entry.maxTimestamp < timestamp || entry.lastOffset < this.logStartOffset) continue;
      for (const record of readRecords(segment.data.read(entry.position, entry.size))) {
        if (record.offset >= this.logStartOffset && record.timestamp >= timestamp) {
          return { offset: record.offset, timestamp: record.timestamp };
        }
      }
    }
    return null;
  }

  /** The offset and timestamp of the record with the largest timestamp (ListOffsets -3, KIP-734). */
  maxTimestampOffset(): { offset: number; timestamp: number } | null {
    let best: { segment: Segment; entry: BatchEntry } | null = null;
    for (const candidate of this.batches()) {
      if (candidate.entry.lastOffset < this.logStartOffset) continue;
      if (!best || candidate.entry.maxTimestamp > best.entry.maxTimestamp) best = candidate;
    }
    if (!best) return null;
    let found: { offset: number; timestamp: number } | null = null;
    for (const record of readRecords(best.segment.data.read(best.entry.position, best.entry.size))) {
      if (!found || record.timestamp > found.timestamp)
        found = { offset: record.offset, timestamp: record.timestamp };
    }
    return found;
  }

  /** DeleteRecords: moves the log start offset forward; segments wholly below it go. */
  deleteRecordsBefore(offset: number): number {
    if (offset > this.logStartOffset) {
      this.logStartOffset = offset;
      this.dropSegmentsBelow(offset);
      this.saveLogStartOffset();
    }
    return this.logStartOffset;
  }

  private dropSegmentsBelow(offset: number): void {
    while (this.segments.length > 1) {
      const [first, second] = this.segments as [Segment, Segment];
      if (second.baseOffset > offset) break;
      first.data.remove();
      this.segments.shift();
    }
    if (this.segments.length === 1 && this.active.entries.length > 0 && offset >= this.logEndOffset) {
      // Everything is gone: start an empty segment, as Kafka does when it deletes the active one.
      const old = this.active;
      this.segments = [];
      old.data.remove();
      this.roll();
    }
  }

  /** Deletes segments past retention.ms or beyond retention.bytes (cleanup.policy=delete). */
  enforceRetention(): void {
    const config = this.options.config();
    if (!config.delete) return;
    const now = this.now();
    const retentionMs = config.number('retention.ms');
    const retentionBytes = config.number('retention.bytes');
    let deleteBelow = -1;
    let excess = retentionBytes >= 0 ? this.size - retentionBytes : 0;
    for (const segment of this.segments) {
      if (segment.entries.length === 0) break;
      const expired = retentionMs >= 0 && now - segment.maxTimestamp > retentionMs;
      const oversize = retentionBytes >= 0 && excess - segment.bytes >= 0;
      if (!expired && !oversize) break;
      excess -= segment.bytes;
      deleteBelow =
        segment === this.active
          ? this.logEndOffset
          : (this.segments[this.segments.indexOf(segment) + 1] as Segment).baseOffset;
    }
    if (deleteBelow > this.logStartOffset) {
      this.options.log?.(`retention: log start offset ${this.logStartOffset} -> ${deleteBelow}`);
      this.deleteRecordsBefore(deleteBelow);
    }
  }

  /**
   * Compacts the closed segments (cleanup.policy=compact): keeps the last record of every key, removes
   * tombstones delete.retention.ms after the cleaner first saw them. Runs when the dirty share of the
   * closed segments reaches min.cleanable.dirty.ratio. Rewritten batches are uncompressed.
   */
  compact(): void {
    const config = this.options.config();
    if (!config.compact) return;
    const now = this.now();
    if (now - this.active.createdAt >= config.number('segment.ms') && this.active.entries.length > 0)
      this.roll();
    const closed = this.segments.slice(0, -1);
    if (closed.length === 0) return;
    const closedEnd = this.active.baseOffset;
    let dirty = 0;
    let total = 0;
    for (const segment of closed) {
      total += segment.bytes;
      for (const entry of segment.entries) if (entry.baseOffset >= this.cleanedUpTo) dirty += entry.size;
    }
    const tombstonesDue = closed.some((s) =>
      s.entries.some((e) => e.deleteHorizonMs !== undefined && e.deleteHorizonMs <= now),
    );
    if (
      !tombstonesDue &&
      (total === 0 || dirty / total < config.number('min.cleanable.dirty.ratio') || dirty === 0)
    )
      return;

    const latest = new Map<string, number>();
    for (const segment of closed) {
      for (const entry of segment.entries) {
        for (const record of readRecords(segment.data.read(entry.position, entry.size))) {
          if (record.key) latest.set(record.key.toString('latin1'), record.offset);
        }
      }
    }
    const deleteRetention = config.number('delete.retention.ms');
    let removed = 0;
    for (const segment of closed) {
      const kept: Buffer[] = [];
      const entries: BatchEntry[] = [];
      let position = 0;
      for (const entry of segment.entries) {
        const bytes = segment.data.read(entry.position, entry.size);
        const header = readBatchHeader(bytes);
        const records = readRecords(bytes);
        const horizon = entry.deleteHorizonMs;
        const survivors = records.filter((record) => {
          if (!record.key || latest.get(record.key.toString('latin1')) !== record.offset) return false;
          return record.value !== null || horizon === undefined || horizon > now;
        });
        removed += records.length - survivors.length;
        if (survivors.length === 0) continue;
        const hasTombstone = survivors.some((r) => r.value === null);
        let out = bytes;
        if (survivors.length !== records.length) {
          out = encodeBatch({
            baseOffset: header.baseOffset,
            lastOffsetDelta: header.lastOffsetDelta,
            attributes: header.attributes & ~Attributes.compressionMask,
            producerId: header.producerId,
            producerEpoch: header.producerEpoch,
            baseSequence: header.baseSequence,
            records: survivors.map((r) => ({
              offsetDelta: r.offset - header.baseOffset,
              timestamp: r.timestamp,
              key: r.key,
              value: r.value,
              headers: r.headers,
            })),
          });
        }
        const next: BatchEntry = {
          baseOffset: entry.baseOffset,
          lastOffset: entry.lastOffset,
          maxTimestamp: entry.maxTimestamp,
          position,
          size: out.length,
        };
        if (hasTombstone) next.deleteHorizonMs = horizon ?? now + deleteRetention;
        kept.push(out);
        entries.push(next);
        position += out.length;
      }
      segment.data.rewrite(kept);
      segment.entries.splice(0, segment.entries.length, ...entries);
      segment.bytes = position;
    }
    this.cleanedUpTo = closedEnd;
    if (removed > 0) this.options.log?.(`compaction removed ${removed} records below offset ${closedEnd}`);
  }

  /** Makes every appended byte durable. */
  flush(): void {
    for (const segment of this.segments) segment.data.flush();
    this.unflushedMessages = 0;
  }

  close(): void {
    for (const segment of this.segments) segment.data.close();
  }

  /** Deletes the partition's data (topic deletion). */
  destroy(): void {
    for (const segment of this.segments) segment.data.remove();
    this.segments = [];
    if (this.options.dir) rmSync(this.options.dir, { recursive: true, force: true });
  }

  private saveLogStartOffset(): void {
    if (this.options.dir)
      writeFileSync(join(this.options.dir, 'log-start-offset'), `${this.logStartOffset}\n`);
  }

  /**
   * Rebuilds the index and producer state from the segment files. A batch that is cut short or fails its
   * CRC (a torn write after kill -9) ends the log: the file is truncated there and later segments go.
   */
  private recover(dir: string): void {
    for (const name of readdirSync(dir))
      if (name.endsWith('.cleaned')) rmSync(join(dir, name), { force: true });
    const files = readdirSync(dir)
      .filter((name) => /^\d{20}\.log$/.test(name))
      .sort();
    let torn = false;
    for (const name of files) {
      const path = join(dir, name);
      if (torn) {
        rmSync(path, { force: true });
        continue;
      }
      const baseOffset = Number(name.slice(0, 20));
      const fileSize = statSync(path).size;
      const fd = openSync(path, 'r+');
      const head = Buffer.alloc(BATCH_HEADER_BYTES);
      const entries: BatchEntry[] = [];
      let position = 0;
      let expected = Math.max(baseOffset, this.logEndOffset);
      try {
        while (position < fileSize) {
          const valid = (() => {
            if (position + BATCH_HEADER_BYTES > fileSize) return null;
            readSync(fd, head, 0, BATCH_HEADER_BYTES, position);
            const header = readBatchHeader(head);
            if (header.magic !== 2 || header.size < BATCH_HEADER_BYTES || position + header.size > fileSize)
              return null;
            if (header.baseOffset < expected) return null;
            const whole = Buffer.allocUnsafe(header.size);
            readSync(fd, whole, 0, header.size, position);
            if (!crcMatches(whole)) return null;
            return header;
          })();
          if (!valid) {
            this.options.log?.(
              `${path}: torn or corrupt batch at byte ${position} of ${fileSize}; truncating`,
            );
            ftruncateSync(fd, position);
            torn = true;
            break;
          }
          const lastOffset = valid.baseOffset + valid.lastOffsetDelta;
          const logAppend = (valid.attributes & Attributes.logAppendTime) !== 0;
          entries.push({
            baseOffset: valid.baseOffset,
            lastOffset,
            maxTimestamp: valid.maxTimestamp,
            position,
            size: valid.size,
          });
          if (valid.producerId >= 0) {
            this.remember(valid.producerId, valid.producerEpoch, {
              firstSeq: valid.baseSequence,
              lastSeq: wrapSequence(valid.baseSequence + valid.lastOffsetDelta),
              baseOffset: valid.baseOffset,
              lastOffset,
              timestamp: logAppend ? valid.maxTimestamp : -1,
            });
          }
          position += valid.size;
          expected = lastOffset + 1;
        }
      } finally {
        closeSync(fd);
      }
      const segment = new Segment(baseOffset, new FileSegmentData(path), statSync(path).mtimeMs);
      segment.entries.push(...entries);
      segment.bytes = position;
      this.segments.push(segment);
      this.logEndOffset = Math.max(expected, baseOffset);
    }
    const startFile = join(dir, 'log-start-offset');
    const first = this.segments[0];
    const saved = existsSync(startFile) ? Number(readFileSync(startFile, 'utf8').trim()) : 0;
    this.logStartOffset = Math.min(Math.max(saved, first?.baseOffset ?? 0), this.logEndOffset);
    this.cleanedUpTo = this.logStartOffset;
  }
}

function wrapSequence(sequence: number): number {
  return sequence > INT32_MAX ? sequence - INT32_MAX - 1 : sequence;
}
