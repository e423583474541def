/**
 * Record batches, magic v2 (KIP-98; https://kafka.apache.org/documentation/#recordbatch): the unit the
 * broker stores and serves. The header is fixed at 61 bytes; the CRC-32C covers everything from the
 * attributes to the end, so the broker may set baseOffset and partitionLeaderEpoch without recomputing
 * it, and must recompute it when it sets the timestamp type (LogAppendTime) or rewrites a batch.
 */
import { crc32c } from '@node-rs/crc32';
import { Reader, Writer } from '../protocol/io.js';
import { Compression, decompress } from './compression.js';

export const BATCH_HEADER_BYTES = 61;
/** Bytes before the batchLength field's count starts (baseOffset + batchLength). */
export const LOG_OVERHEAD = 12;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;

export const Attributes = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
} as const;

export interface BatchHeader {
  baseOffset: number;
  /** Whole batch size in bytes, the 12-byte log overhead included. */
  size: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Reads a batch header at `at`; the caller checks that `size` bytes are there. */
export function readBatchHeader(buffer: Buffer, at = 0): BatchHeader {
  const r = new Reader(buffer, at);
  const baseOffset = r.int64();
  const batchLength = r.int32();
  const partitionLeaderEpoch = r.int32();
  const magic = r.int8();
  const crc = r.uint32();
  const attributes = r.int16();
  const lastOffsetDelta = r.int32();
  const baseTimestamp = r.int64();
  const maxTimestamp = r.int64();
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const baseSequence = r.int32();
  const recordsCount = r.int32();
  return {
    baseOffset,
    size: batchLength + LOG_OVERHEAD,
    partitionLeaderEpoch,
    magic,
    crc,
    attributes,
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch,
    baseSequence,
    recordsCount,
  };
}

/** The CRC-32C a batch should carry (over attributes to the end). */
export function computeCrc(batch: Buffer): number {
  return crc32c(batch.subarray(ATTRIBUTES_AT)) >>> 0;
}

export function crcMatches(batch: Buffer): boolean {
  return batch.length >= BATCH_HEADER_BYTES && batch.readUInt32BE(CRC_AT) === computeCrc(batch);
}

export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  const high = Math.floor(baseOffset / 2 ** 32);
  batch.writeInt32BE(high, 0);
  batch.writeUInt32BE(baseOffset - high * 2 ** 32, 4);
}

export function setPartitionLeaderEpoch(batch: Buffer, epoch: number): void {
  batch.writeInt32BE(epoch, 12);
}

/** Sets a batch's max timestamp (CreateTime) and recomputes its CRC. */
export function setMaxTimestamp(batch: Buffer, timestamp: number): void {
  const high = Math.floor(timestamp / 2 ** 32);
  batch.writeInt32BE(high, 35);
  batch.writeUInt32BE(timestamp - high * 2 ** 32, 39);
  batch.writeUInt32BE(computeCrc(batch), CRC_AT);
}

/** Marks a batch LogAppendTime with `now` as its max timestamp and recomputes its CRC. */
export function setLogAppendTime(batch: Buffer, now: number): void {
  batch.writeInt16BE(batch.readInt16BE(ATTRIBUTES_AT) | Attributes.logAppendTime, ATTRIBUTES_AT);
  setMaxTimestamp(batch, now);
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One record of a batch, with its absolute offset and timestamp. */
export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * Every record of a batch, decompressed if need be. LogAppendTime batches give every record the batch's
 * max timestamp, as consumers see it. Throws on a malformed records section.
 */
export function readRecords(batch: Buffer): StoredRecord[] {
  const header = readBatchHeader(batch);
  const payload = decompress(
    header.attributes & Attributes.compressionMask,
    batch.subarray(BATCH_HEADER_BYTES),
  );
  const logAppendTime = (header.attributes & Attributes.logAppendTime) !== 0;
  const r = new Reader(payload);
  const records: StoredRecord[] = [];
  for (let i = 0; i < header.recordsCount; i++) {
    const length = r.varint();
    const end = r.offset + length;
    r.int8();
    const timestampDelta = r.varlong();
    const offsetDelta = r.varint();
    const keyLength = r.varint();
    const key = keyLength < 0 ? null : r.raw(keyLength);
    const valueLength = r.varint();
    const value = valueLength < 0 ? null : r.raw(valueLength);
    const headerCount = r.varint();
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const headerKey = r.raw(r.varint()).toString('utf8');
      const headerValueLength = r.varint();
      headers.push({ key: headerKey, value: headerValueLength < 0 ? null : r.raw(headerValueLength) });
    }
    if (r.offset !== end)
      throw new Error(`record ${i} is ${length} bytes long but its fields take ${r.offset - end + length}`);
    records.push({
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
  }
  if (r.remaining !== 0)
    throw new Error(`${r.remaining} bytes after the batch's ${header.recordsCount} records`);
  return records;
}

export interface NewBatch {
  baseOffset: number;
  records: {
    offsetDelta?: number;
    timestamp: number;
    key: Buffer | null;
    value: Buffer | null;
    headers?: RecordHeader[];
  }[];
  /** Defaults to the last record's offset delta. */
  lastOffsetDelta?: number;
  attributes?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  partitionLeaderEpoch?: number;
}

/** Encodes an uncompressed v2 batch with a valid CRC (the log cleaner's rewrites; test fixtures). */
export function encodeBatch(batch: NewBatch): Buffer {
  const first = batch.records[0];
  const baseTimestamp = first ? first.timestamp : -1;
  const maxTimestamp = batch.records.reduce((max, r) => Math.max(max, r.timestamp), -1);
  const body = new Writer(256);
  let lastDelta = 0;
  batch.records.forEach((record, index) => {
    const delta = record.offsetDelta ?? index;
    lastDelta = delta;
    const one = new Writer(64);
    one
      .int8(0)
      .varlong(record.timestamp - baseTimestamp)
      .varint(delta);
    if (record.key === null) one.varint(-1);
    else one.varint(record.key.length).raw(record.key);
    if (record.value === null) one.varint(-1);
    else one.varint(record.value.length).raw(record.value);
    const headers = record.headers ?? [];
    one.varint(headers.length);
    for (const h of headers) {
      const key = Buffer.from(h.key);
      one.varint(key.length).raw(key);
      if (h.value === null) one.varint(-1);
      else one.varint(h.value.length).raw(h.value);
    }
    const bytes = one.result();
    body.varint(bytes.length).raw(bytes);
  });
  const records = body.result();
  const w = new Writer(BATCH_HEADER_BYTES + records.length);
  w.int64(batch.baseOffset)
    .int32(BATCH_HEADER_BYTES - LOG_OVERHEAD + records.length)
    .int32(batch.partitionLeaderEpoch ?? 0)
    .int8(2)
    .uint32(0)
    .int16(batch.attributes ?? Compression.none)
    .int32(batch.lastOffsetDelta ?? lastDelta)
    .int64(baseTimestamp)
    .int64(maxTimestamp)
    .int64(batch.producerId ?? -1)
    .int16(batch.producerEpoch ?? -1)
    .int32(batch.baseSequence ?? -1)
    .int32(batch.records.length)
    .raw(records);
  const out = Buffer.from(w.result());
  out.writeUInt32BE(computeCrc(out), CRC_AT);
  return out;
}
