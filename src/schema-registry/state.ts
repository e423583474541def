/**
 * The registry's state: the fold of its store's records in log order, as Confluent's registry builds its
 * lookup cache from `_schemas` (KafkaStoreMessageHandler, InMemoryCache).
 */
import { createHash } from 'node:crypto';
import { sortedJson } from './formats/format.js';
import type { ConfigValue, Mode, SchemaReference, SchemaValue, StoreRecord } from './model.js';

/** What identifies a schema: equal identities get the same id, in any subject. */
export function schemaIdentity(
  value: Pick<SchemaValue, 'schemaType' | 'schema' | 'references' | 'metadata' | 'ruleSet'>,
): string {
  return sortedJson([value.schemaType, value.schema, value.references, value.metadata, value.ruleSet]);
}

/**
 * The schema's `guid`: a UUID made of the MD5 of its text and references, as Confluent's
 * `Schema.getGuid()` computes it (metadata and rule sets are hashed as sorted JSON here).
 */
export function schemaGuid(
  value: Pick<SchemaValue, 'schema' | 'references' | 'metadata' | 'ruleSet'>,
): string {
  const md5 = createHash('md5').update(value.schema, 'utf8');
  for (const reference of value.references) {
    const version = Buffer.alloc(4);
    version.writeInt32BE(reference.version);
    md5.update(reference.name, 'utf8').update(reference.subject, 'utf8').update(version);
  }
  if (value.metadata) md5.update(Buffer.of(1)).update(sortedJson(value.metadata), 'utf8');
  if (value.ruleSet) md5.update(Buffer.of(1)).update(sortedJson(value.ruleSet), 'utf8');
  const hex = md5.digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const referenceKey = (reference: Pick<SchemaReference, 'subject' | 'version'>) =>
  `${reference.subject}\u0000${reference.version}`;

export class RegistryState {
  /** subject -> version -> value, deleted versions included. */
  readonly subjects = new Map<string, Map<number, SchemaValue>>();
  /** `null` is the global config. */
  readonly configs = new Map<string | null, ConfigValue>();
  readonly modes = new Map<string | null, Mode>();
  /** id -> the subject-versions holding it. */
  private readonly byId = new Map<number, Map<string, SchemaValue>>();
  private readonly idsByIdentity = new Map<string, number>();
  private readonly idsByGuid = new Map<string, number>();
  /** `subject\0version` -> ids of the schemas referring to it. */
  private readonly referrers = new Map<string, Set<SchemaValue>>();
  /** The largest id ever seen, so ids are not reused while the registry runs. */
  maxId = 0;

  apply(record: StoreRecord): void {
    switch (record.key.keytype) {
      case 'SCHEMA':
        this.applySchema(record.key.subject, record.key.version, record.value as SchemaValue | null);
        return;
      case 'CONFIG':
        if (record.value) this.configs.set(record.key.subject, record.value as ConfigValue);
        else this.configs.delete(record.key.subject);
        return;
      case 'MODE':
        if (record.value) this.modes.set(record.key.subject, (record.value as { mode: Mode }).mode);
        else this.modes.delete(record.key.subject);
        return;
      case 'DELETE_SUBJECT': {
        const until = (record.value as { version: number } | null)?.version;
        if (until === undefined) return;
        for (const value of this.subjects.get(record.key.subject)?.values() ?? []) {
          if (value.version <= until && !value.deleted)
            this.applySchema(value.subject, value.version, { ...value, deleted: true });
        }
        return;
      }
      case 'NOOP':
        return;
    }
  }

  private applySchema(subject: string, version: number, value: SchemaValue | null): void {
    const versions = this.subjects.get(subject) ?? new Map<number, SchemaValue>();
    const old = versions.get(version);
    if (old) this.forget(old);
    if (value) {
      versions.set(version, value);
      this.subjects.set(subject, versions);
      const holders = this.byId.get(value.id) ?? new Map<string, SchemaValue>();
      holders.set(referenceKey(value), value);
      this.byId.set(value.id, holders);
      this.idsByIdentity.set(schemaIdentity(value), value.id);
      this.idsByGuid.set(schemaGuid(value), value.id);
      for (const reference of value.references) {
        const referrers = this.referrers.get(referenceKey(reference)) ?? new Set();
        referrers.add(value);
        this.referrers.set(referenceKey(reference), referrers);
      }
      this.maxId = Math.max(this.maxId, value.id);
    } else {
      versions.delete(version);
      if (versions.size === 0) this.subjects.delete(subject);
    }
  }

  private forget(value: SchemaValue): void {
    const holders = this.byId.get(value.id);
    holders?.delete(referenceKey(value));
    if (holders?.size === 0) this.byId.delete(value.id);
    for (const reference of value.references) this.referrers.get(referenceKey(reference))?.delete(value);
  }

  /** Versions of `subject`, oldest first. */
  versions(subject: string, which: 'live' | 'deleted' | 'all'): SchemaValue[] {
    return [...(this.subjects.get(subject)?.values() ?? [])]
      .filter((value) => which === 'all' || value.deleted === (which === 'deleted'))
      .sort((a, b) => a.version - b.version);
  }

  hasSubject(subject: string, includeDeleted: boolean): boolean {
    return this.versions(subject, includeDeleted ? 'all' : 'live').length > 0;
  }

  /** The subject-versions holding schema `id`, deleted ones included. */
  holders(id: number): SchemaValue[] {
    return [...(this.byId.get(id)?.values() ?? [])].sort(
      (a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0) || a.version - b.version,
    );
  }

  /** The id of a schema with this identity that some subject-version still holds. */
  idOf(identity: string): number | undefined {
    const id = this.idsByIdentity.get(identity);
    return id !== undefined && this.byId.has(id) ? id : undefined;
  }

  idOfGuid(guid: string): number | undefined {
    const id = this.idsByGuid.get(guid);
    return id !== undefined && this.byId.has(id) ? id : undefined;
  }

  /** Schemas whose references name `subject` `version`. */
  referrersOf(subject: string, version: number): SchemaValue[] {
    return [...(this.referrers.get(referenceKey({ subject, version })) ?? [])];
  }
}
