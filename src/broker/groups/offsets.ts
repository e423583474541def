/**
 * Committed offsets of every group, kept in memory and, with a data directory, in an append-only journal
 * (`groups.log`, one JSON line per commit or deletion) that is replayed on start and rewritten compactly
 * when it has grown to several times the live state. A torn last line (kill -9 mid-write) is dropped.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../state/topics.js';

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

type Entry =
  | { t: 'commit'; g: string; topic: string; p: number; o: number; e: number; m: string | null; ts: number }
  | { t: 'delete-group'; g: string }
  | { t: 'delete-topic'; topic: string };

const REWRITE_FACTOR = 4;
const MIN_REWRITE_LINES = 10_000;

/** group -> "topic\0partition" -> committed offset. */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private fd: number | undefined;
  private readonly path: string | undefined;
  private lines = 0;

  constructor(
    dataDir: string | undefined,
    private readonly log: (message: string) => void,
  ) {
    if (!dataDir) return;
    this.path = join(dataDir, 'groups.log');
    if (existsSync(this.path)) this.replay(this.path);
    this.rewrite();
  }

  private replay(path: string): void {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    let applied = 0;
    for (const [index, line] of lines.entries()) {
      if (line === '') continue;
      let entry: Entry;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        this.log(`${path}: line ${index + 1} is torn; ignoring it and what follows`);
        break;
      }
      this.apply(entry);
      applied++;
    }
    this.log(`replayed ${applied} group offset entries`);
  }

  private apply(entry: Entry): void {
    switch (entry.t) {
      case 'commit': {
        let offsets = this.groups.get(entry.g);
        if (!offsets) {
          offsets = new Map();
          this.groups.set(entry.g, offsets);
        }
        offsets.set(`${entry.topic}\0${entry.p}`, {
          offset: entry.o,
          leaderEpoch: entry.e,
          metadata: entry.m,
          commitTimestamp: entry.ts,
        });
        break;
      }
      case 'delete-group':
        this.groups.delete(entry.g);
        break;
      case 'delete-topic':
        for (const offsets of this.groups.values()) {
          for (const key of offsets.keys()) if (key.startsWith(`${entry.topic}\0`)) offsets.delete(key);
        }
        break;
    }
  }

  private append(entries: Entry[]): void {
    for (const entry of entries) this.apply(entry);
    if (this.fd === undefined) return;
    const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    writeSync(this.fd, text);
    this.lines += entries.length;
    if (this.lines > MIN_REWRITE_LINES && this.lines > REWRITE_FACTOR * this.liveEntries()) this.rewrite();
  }

  private liveEntries(): number {
    let n = 0;
    for (const offsets of this.groups.values()) n += offsets.size;
    return n;
  }

  /** Writes the live state as a fresh journal (atomically) and appends to it from then on. */
  private rewrite(): void {
    if (!this.path) return;
    if (this.fd !== undefined) closeSync(this.fd);
    const lines: string[] = [];
    for (const [g, offsets] of this.groups) {
      for (const [key, c] of offsets) {
        const cut = key.lastIndexOf('\0');
        const entry: Entry = {
          t: 'commit',
          g,
          topic: key.slice(0, cut),
          p: Number(key.slice(cut + 1)),
          o: c.offset,
          e: c.leaderEpoch,
          m: c.metadata,
          ts: c.commitTimestamp,
        };
        lines.push(JSON.stringify(entry));
      }
    }
    writeFileAtomic(this.path, lines.length ? `${lines.join('\n')}\n` : '');
    this.lines = lines.length;
    this.fd = openSync(this.path, 'a');
  }

  commit(group: string, offsets: { topic: string; partition: number; committed: CommittedOffset }[]): void {
    this.append(
      offsets.map(({ topic, partition, committed }) => ({
        t: 'commit',
        g: group,
        topic,
        p: partition,
        o: committed.offset,
        e: committed.leaderEpoch,
        m: committed.metadata,
        ts: committed.commitTimestamp,
      })),
    );
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(`${topic}\0${partition}`);
  }

  /** Every committed offset of a group, by topic. */
  all(group: string): Map<string, Map<number, CommittedOffset>> {
    const byTopic = new Map<string, Map<number, CommittedOffset>>();
    for (const [key, committed] of this.groups.get(group) ?? []) {
      const cut = key.lastIndexOf('\0');
      const topic = key.slice(0, cut);
      let partitions = byTopic.get(topic);
      if (!partitions) {
        partitions = new Map();
        byTopic.set(topic, partitions);
      }
      partitions.set(Number(key.slice(cut + 1)), committed);
    }
    return byTopic;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  has(group: string): boolean {
    return this.groups.has(group);
  }

  deleteGroup(group: string): void {
    if (this.groups.has(group)) this.append([{ t: 'delete-group', g: group }]);
  }

  deleteTopic(topic: string): void {
    this.append([{ t: 'delete-topic', topic }]);
  }

  /** Keeps an empty entry so the group is listed (a commit-created group with no offsets yet). */
  ensure(group: string): void {
    if (!this.groups.has(group)) this.groups.set(group, new Map());
  }

  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}
