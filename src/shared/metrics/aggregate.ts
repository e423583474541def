/**
 * Stream processing: tumbling-window aggregates of measurements by event time, per metric name and tag set.
 *
 * A Lambda function keeps no state between invocations, so it emits partial aggregates: one per series,
 * window and source partition for each batch. Partials merge associatively and commutatively (count and sum
 * add, min and max take the extreme), so a reader gets a window's aggregate by merging its partials, in any
 * order and grouping ({@link mergePartials}). A late record goes to the window its own time names.
 *
 * Idempotence on a compacted topic: a partial's key is its series and window plus the coordinates of the
 * first record it summarizes. Partials of successive batches have different keys (all are kept), and a
 * redelivered batch starts at the same offset as the first delivery, so its partials have the same keys
 * and compaction keeps one of each. A bare series+window key would let compaction keep only the last
 * partial of a window and lose the others.
 */
import { type ConsumerRecord, coordinatesOf } from '../consumer/decode.js';
import type { Output } from '../consumer/output.js';
import type { Measurement } from './schema.js';

/** The mergeable part of an aggregate. */
export interface Aggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** A value of `metrics.aggregated`. */
export interface PartialAggregate extends Aggregate {
  name: string;
  /** Sorted by tag name. */
  tags: Record<string, string>;
  window: { start: string; end: string };
  /** sum / count, for readers of a single partial; merged partials recompute it. */
  mean: number;
  /** The source partition and offsets this partial summarizes (the offsets of its own series only). */
  source: { topic: string; partition: number; firstOffset: number; lastOffset: number };
}

/** Two aggregates of one key and window as one (count, sum, min, max). */
export function mergeAggregates(a: Aggregate, b: Aggregate): Aggregate {
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

/** The start (epoch ms) of the tumbling window holding `time`. */
export function windowStart(time: number, windowMs: number): number {
  return Math.floor(time / windowMs) * windowMs;
}

/** A series: the name and the tags sorted by name, e.g. `cpu{host=a,region=eu}`. */
export function seriesKey(name: string, tags: Record<string, string>): string {
  const sorted = Object.keys(tags)
    .sort()
    .map((tag) => `${tag}=${tags[tag]}`);
  return `${name}{${sorted.join(',')}}`;
}

function sortedTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(tags)
      .sort()
      .map((tag) => [tag, tags[tag] ?? '']),
  );
}

/** Series and window, the grouping readers merge on, e.g. `cpu{host=a}@2026-01-02T03:04:00.000Z`. */
function windowKey(partial: Pick<PartialAggregate, 'name' | 'tags' | 'window'>): string {
  return `${seriesKey(partial.name, partial.tags)}@${partial.window.start}`;
}

/** The batch handler: one partition's measurements (in offset order) into one partial per series and window. */
export function aggregateBatch(records: ConsumerRecord<Measurement>[], windowMs: number): Output[] {
  const groups = new Map<string, { partial: PartialAggregate; first: ConsumerRecord<Measurement> }>();
  for (const record of records) {
    const { name, value, time, tags } = record.data;
    const start = windowStart(time, windowMs);
    const group = `${seriesKey(name, tags)}@${start}`;
    const existing = groups.get(group);
    if (existing) {
      Object.assign(
        existing.partial,
        mergeAggregates(existing.partial, { count: 1, sum: value, min: value, max: value }),
      );
      existing.partial.source.lastOffset = record.offset;
      continue;
    }
    groups.set(group, {
      first: record,
      partial: {
        name,
        tags: sortedTags(tags),
        window: { start: new Date(start).toISOString(), end: new Date(start + windowMs).toISOString() },
        count: 1,
        sum: value,
        min: value,
        max: value,
        mean: value,
        source: {
          topic: record.topic,
          partition: record.partition,
          firstOffset: record.offset,
          lastOffset: record.offset,
        },
      },
    });
  }
  // A partial's failure fails the whole partition slice: a redelivery must start where this batch started,
  // or the keys of its partials would change and a compacted topic would count some records twice.
  return [...groups.values()].map(({ partial, first }) => {
    partial.mean = partial.sum / partial.count;
    return {
      key: `${windowKey(partial)}#${first.topic}-${first.partition}@${first.offset}`,
      partitionKey: windowKey(partial),
      value: partial,
      timestamp: first.timestamp,
      origin: coordinatesOf(first),
      sources: records,
    };
  });
}

/**
 * What a reader of `metrics.aggregated` does: keep the latest partial per record key (compaction does the
 * same), then merge the partials of each series and window.
 */
export function mergePartials(
  records: Iterable<{ key: string; value: PartialAggregate }>,
): Map<string, Aggregate & { mean: number }> {
  const latest = new Map<string, PartialAggregate>();
  for (const { key, value } of records) latest.set(key, value);
  const merged = new Map<string, Aggregate>();
  for (const partial of latest.values()) {
    const key = windowKey(partial);
    const existing = merged.get(key);
    const own = { count: partial.count, sum: partial.sum, min: partial.min, max: partial.max };
    merged.set(key, existing ? mergeAggregates(existing, own) : own);
  }
  return new Map(
    [...merged].map(([key, aggregate]) => [key, { ...aggregate, mean: aggregate.sum / aggregate.count }]),
  );
}
