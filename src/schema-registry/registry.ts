/**
 * The registry's operations, with the rules of Confluent Schema Registry's KafkaSchemaRegistry: ids shared
 * by equal schemas across subjects, versions per subject, soft deletes before permanent ones, per-subject
 * config and mode falling back to the global ones. Every change is appended to the store, and only applied
 * once the store has it: an answer is never given for a change that was not kept.
 */
import { compatibilityErrors } from './compatibility.js';
import * as errors from './errors.js';
import { RegistryError } from './errors.js';
import { type ParsedSchema, parseSchema, type ResolvedReference, schemaTypeOf } from './formats/index.js';
import {
  type CompatibilityLevel,
  type ConfigValue,
  configKey,
  deleteSubjectKey,
  type Mode,
  modeKey,
  type Opaque,
  type SchemaReference,
  type SchemaType,
  type SchemaValue,
  type StoreRecord,
  schemaKey,
} from './model.js';
import { RegistryState, schemaGuid, schemaIdentity } from './state.js';
import type { Store } from './store.js';

/** A schema as clients send it to register, look up or check (Confluent's RegisterSchemaRequest). */
export interface SchemaRequest {
  schema?: string | undefined;
  schemaType?: string | undefined;
  references?: SchemaReference[] | undefined;
  metadata?: Opaque | undefined;
  ruleSet?: Opaque | undefined;
  /** Only in IMPORT mode: the id (and version) to register under. */
  id?: number | undefined;
  version?: number | undefined;
}

/** A subject's schema version as the API returns it (Confluent's Schema entity). */
export interface SchemaEntity {
  subject: string;
  version: number;
  id: number;
  guid: string;
  schemaType: SchemaType;
  references?: SchemaReference[];
  metadata?: Opaque;
  ruleSet?: Opaque;
  schema: string;
  deleted?: boolean;
}

export interface ConfigEntity {
  compatibilityLevel?: CompatibilityLevel;
  normalize?: boolean;
}

export interface RegistryOptions {
  /** The compatibility level when neither the subject nor the global config sets one (Confluent: BACKWARD). */
  defaultCompatibility?: CompatibilityLevel;
}

const MAX_VERSION = 2 ** 31 - 1;

/** A version path segment: a number in [1, 2^31-1], `latest` or -1 (latest); throws 42202 otherwise. */
function parseVersion(text: string): number {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'latest') return -1;
  const version = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isInteger(version) || version > MAX_VERSION || (version <= 0 && version !== -1))
    throw errors.invalidVersion(text);
  return version;
}

/** Confluent's QualifiedSubject.isValidSubject, without contexts: no control characters, not reserved. */
function checkSubject(subject: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(subject) || subject === '__GLOBAL' || subject === '__EMPTY')
    throw errors.invalidSubject(subject);
}

function entity(value: SchemaValue, withDeleted = false): SchemaEntity {
  return {
    subject: value.subject,
    version: value.version,
    id: value.id,
    guid: schemaGuid(value),
    schemaType: value.schemaType,
    ...(value.references.length > 0 ? { references: value.references } : {}),
    ...(value.metadata ? { metadata: value.metadata } : {}),
    ...(value.ruleSet ? { ruleSet: value.ruleSet } : {}),
    schema: value.schema,
    ...(withDeleted && value.deleted ? { deleted: true } : {}),
  };
}

function page<T>(items: T[], offset = 0, limit = -1): T[] {
  return items.slice(Math.max(0, offset), limit >= 0 ? Math.max(0, offset) + limit : undefined);
}

export class SchemaRegistry {
  private readonly state = new RegistryState();
  /** Writes run one at a time, so ids and versions are assigned from an up-to-date state. */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly defaultCompatibility: CompatibilityLevel;

  private constructor(
    private readonly store: Store,
    options: RegistryOptions,
  ) {
    this.defaultCompatibility = options.defaultCompatibility ?? 'BACKWARD';
  }

  /** A registry holding what `store` kept; rejects with the store's error when it cannot be read. */
  static async open(store: Store, options: RegistryOptions = {}): Promise<SchemaRegistry> {
    const registry = new SchemaRegistry(store, options);
    for (const record of await store.load()) registry.state.apply(record);
    return registry;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private write<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.writes.then(operation);
    this.writes = result.catch(() => undefined);
    return result;
  }

  private async commit(records: StoreRecord[], failure: string): Promise<void> {
    try {
      await this.store.append(records);
    } catch (cause) {
      throw errors.storeError(failure, cause);
    }
    for (const record of records) this.state.apply(record);
  }

  // ---- parsing --------------------------------------------------------------------------------------

  /** The reference's schemas, transitively, dependencies first; 42201 when one does not exist. */
  private resolveReferences(references: SchemaReference[], seen = new Set<string>()): ResolvedReference[] {
    const resolved: ResolvedReference[] = [];
    for (const reference of references) {
      const key = `${reference.subject}\u0000${reference.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const value =
        reference.version === -1
          ? this.state.versions(reference.subject, 'live').at(-1)
          : this.state.subjects.get(reference.subject)?.get(reference.version);
      if (!value)
        throw errors.invalidSchema(
          `Invalid schema: no schema reference found for subject "${reference.subject}" and version ${reference.version}`,
        );
      resolved.push(...this.resolveReferences(value.references, seen), {
        name: reference.name,
        schema: value.schema,
      });
    }
    return resolved;
  }

  private parse(
    type: SchemaValue['schemaType'],
    schema: string,
    references: SchemaReference[],
  ): ParsedSchema {
    return parseSchema(type, schema, this.resolveReferences(references));
  }

  private parseStored(value: SchemaValue): ParsedSchema {
    return this.parse(value.schemaType, value.schema, value.references);
  }

  /** The value a request stands for, before it has a subject, version and id. */
  private candidate(request: SchemaRequest, normalize: boolean) {
    if (request.schema === undefined || request.schema.trim() === '')
      throw errors.invalidSchema('Empty schema');
    const schemaType = schemaTypeOf(request.schemaType);
    const references = (request.references ?? []).map(({ name, subject, version }) => ({
      name,
      subject,
      version,
    }));
    const parsed = this.parse(schemaType, request.schema, references);
    const value = {
      schemaType,
      references,
      ...(request.metadata ? { metadata: request.metadata } : {}),
      ...(request.ruleSet ? { ruleSet: request.ruleSet } : {}),
      schema: normalize ? parsed.normalized() : parsed.canonical,
    };
    return { value, parsed };
  }

  // ---- config and mode ----------------------------------------------------------------------------

  /** The subject's config merged over the global one (Confluent's getConfigInScope). */
  configInScope(subject: string | null): Required<Pick<ConfigEntity, 'compatibilityLevel'>> & ConfigEntity {
    const global = this.state.configs.get(null);
    const own = subject === null ? undefined : this.state.configs.get(subject);
    const merged = { ...stripSubject(global), ...stripSubject(own) };
    return { ...merged, compatibilityLevel: merged.compatibilityLevel ?? this.defaultCompatibility };
  }

  /** GET /config[/{subject}]; 40408 when the subject has no config and `defaultToGlobal` is false. */
  getConfig(subject: string | null, defaultToGlobal: boolean): ConfigEntity {
    if (defaultToGlobal || subject === null) {
      if (subject === null && !defaultToGlobal) {
        const global = stripSubject(this.state.configs.get(null));
        return { ...global, compatibilityLevel: global.compatibilityLevel ?? this.defaultCompatibility };
      }
      return this.configInScope(subject);
    }
    const own = this.state.configs.get(subject);
    if (!own) throw errors.subjectCompatibilityNotConfigured(subject);
    const config = stripSubject(own);
    return { ...config, compatibilityLevel: config.compatibilityLevel ?? this.defaultCompatibility };
  }

  /** PUT /config[/{subject}]: fields not given keep their value. Returns the config now in force there. */
  updateConfig(subject: string | null, update: ConfigEntity): Promise<ConfigEntity> {
    if (subject !== null) checkSubject(subject);
    return this.write(async () => {
      this.checkWritable(subject);
      const old = this.state.configs.get(subject);
      const value: ConfigValue = { ...old, ...update, subject };
      await this.commit([{ key: configKey(subject), value }], 'Failed to update compatibility level');
      return stripSubject(value);
    });
  }

  /** DELETE /config[/{subject}]: the config it had; 40401 when the subject had none. */
  deleteConfig(subject: string | null): Promise<ConfigEntity> {
    return this.write(async () => {
      const deleted = this.getConfig(subject, false);
      if (subject !== null && !this.state.configs.has(subject)) throw errors.subjectNotFound(subject);
      this.checkWritable(subject);
      await this.commit([{ key: configKey(subject), value: null }], 'Failed to delete compatibility level');
      return deleted;
    });
  }

  private modeInScope(subject: string | null): Mode {
    return (
      (subject === null ? undefined : this.state.modes.get(subject)) ??
      this.state.modes.get(null) ??
      'READWRITE'
    );
  }

  /** GET /mode[/{subject}]; 40409 when the subject has no mode and `defaultToGlobal` is false. */
  getMode(subject: string | null, defaultToGlobal: boolean): { mode: Mode } {
    if (subject !== null && !defaultToGlobal && !this.state.modes.has(subject))
      throw errors.subjectModeNotConfigured(subject);
    return { mode: this.modeInScope(subject) };
  }

  /**
   * PUT /mode[/{subject}]. IMPORT needs the scope to hold no schema (or `force`), as in Confluent's
   * registry, so imported ids cannot collide with ones it assigned.
   */
  setMode(subject: string | null, mode: Mode, force: boolean): Promise<{ mode: Mode }> {
    if (subject !== null) checkSubject(subject);
    return this.write(async () => {
      if (mode === 'IMPORT' && !force) {
        const inScope =
          subject === null ? this.state.subjects.size > 0 : this.state.hasSubject(subject, true);
        if (inScope)
          throw errors.operationNotPermitted(
            'Cannot import since found existing subjects; use force=true to switch to IMPORT mode anyway',
          );
      }
      await this.commit([{ key: modeKey(subject), value: { subject, mode } }], 'Failed to update mode');
      return { mode };
    });
  }

  /** DELETE /mode/{subject}: the mode it had. */
  deleteMode(subject: string): Promise<{ mode: Mode }> {
    return this.write(async () => {
      const mode = this.state.modes.get(subject);
      if (!mode) throw errors.subjectNotFound(subject);
      await this.commit([{ key: modeKey(subject), value: null }], 'Failed to delete mode');
      return { mode };
    });
  }

  private checkWritable(subject: string | null): void {
    const mode = this.modeInScope(subject);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE')
      throw errors.operationNotPermitted(`Subject ${subject ?? ''} in context . is in read-only mode`);
  }

  // ---- schemas ----------------------------------------------------------------------------------------

  /**
   * POST /subjects/{subject}/versions. Returns the version that holds the schema: an existing one when the
   * subject already has it (not deleted), else a new version, with the id any subject already uses for the
   * same schema. Throws 409 when the schema is incompatible at the subject's level.
   */
  register(
    subject: string,
    request: SchemaRequest,
    options: { normalize?: boolean; force?: boolean } = {},
  ): Promise<SchemaEntity> {
    checkSubject(subject);
    return this.write(async () => {
      const mode = this.modeInScope(subject);
      const importing = request.id !== undefined && request.id >= 0;
      this.checkWritable(subject);
      if (importing && mode !== 'IMPORT')
        throw errors.operationNotPermitted(`Subject ${subject} in context . is not in import mode`);
      if (!importing && mode !== 'READWRITE')
        throw errors.operationNotPermitted(`Subject ${subject} in context . is not in read-write mode`);

      const all = this.state.versions(subject, 'all');
      const live = all.filter((value) => !value.deleted);
      const newVersion = (all.at(-1)?.version ?? 0) + 1;
      const latest = live.at(-1);
      const filled =
        (request.schema === undefined || request.schema.trim() === '') && latest
          ? {
              ...request,
              schema: latest.schema,
              schemaType: latest.schemaType,
              references: latest.references,
            }
          : request;
      const normalize = options.normalize || this.configInScope(subject).normalize === true;
      const { value, parsed } = this.candidate(filled, normalize);

      const existingId = this.state.idOf(schemaIdentity(value));
      let id = importing ? request.id : undefined;
      if (existingId !== undefined && (id === undefined || id === existingId)) {
        const holder = live.findLast((version) => version.id === existingId);
        if (holder && !request.version) return entity(holder);
        id = existingId;
      }

      if (mode !== 'IMPORT' && !options.force) {
        const messages = compatibilityErrors(
          this.configInScope(subject).compatibilityLevel,
          parsed,
          live.map((version) => this.parseStored(version)),
        );
        if (messages.length > 0) throw errors.incompatibleSchema(subject, messages);
      }

      const version = request.version && request.version > 0 ? request.version : newVersion;
      if (version !== newVersion && mode !== 'IMPORT')
        throw errors.invalidSchema('Version is not one more than previous version');
      if (id !== undefined && id !== existingId) {
        const other = this.state.holders(id)[0];
        if (other && schemaIdentity(other) !== schemaIdentity(value))
          throw errors.operationNotPermitted(
            `Overwrite new schema with id ${id} in context . is not permitted.`,
          );
      }
      id ??= this.state.maxId + 1;

      const stored: SchemaValue = { subject, version, id, ...value, deleted: false };
      // A soft-deleted earlier version with the same id is dropped, as Confluent's registry does.
      const dropped = all.filter(
        (old) =>
          old.deleted &&
          old.id === id &&
          old.version < version &&
          this.state.referrersOf(subject, old.version).length === 0,
      );
      await this.commit(
        [
          ...dropped.map((old) => ({ key: schemaKey(subject, old.version), value: null })),
          { key: schemaKey(subject, version), value: stored },
        ],
        'Register schema operation failed while writing to the Kafka store',
      );
      return entity(stored);
    });
  }

  /** POST /subjects/{subject}: the version of `subject` holding this schema; 40401 or 40403 otherwise. */
  lookup(
    subject: string,
    request: SchemaRequest,
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): SchemaEntity {
    const normalize = options.normalize || this.configInScope(subject).normalize === true;
    const { value } = this.candidate(request, normalize);
    const id = this.state.idOf(schemaIdentity(value));
    const match = this.state
      .versions(subject, options.deleted ? 'all' : 'live')
      .findLast((version) => version.id === id);
    if (match) return entity(match);
    if (!this.state.hasSubject(subject, options.deleted === true)) throw errors.subjectNotFound(subject);
    throw errors.schemaNotFound();
  }

  /** GET /subjects/{subject}/versions/{version}; `latest` is the latest version not deleted. */
  getVersion(subject: string, versionText: string, options: { deleted?: boolean } = {}): SchemaEntity {
    const version = parseVersion(versionText);
    const value = this.find(subject, version, options.deleted === true);
    if (value) return entity(value, options.deleted);
    if (!this.state.hasSubject(subject, options.deleted === true)) throw errors.subjectNotFound(subject);
    throw errors.versionNotFound(version);
  }

  private find(subject: string, version: number, includeDeleted: boolean): SchemaValue | undefined {
    if (version === -1) return this.state.versions(subject, 'live').at(-1);
    const value = this.state.subjects.get(subject)?.get(version);
    return value && (!value.deleted || includeDeleted) ? value : undefined;
  }

  /** GET /subjects/{subject}/versions; 40401 when the subject has none (of the kind asked). */
  listVersions(
    subject: string,
    options: {
      deleted?: boolean;
      deletedOnly?: boolean;
      deletedAsNegative?: boolean;
      offset?: number;
      limit?: number;
    },
  ): number[] {
    const includeDeleted = Boolean(options.deleted || options.deletedOnly || options.deletedAsNegative);
    if (!this.state.hasSubject(subject, includeDeleted)) throw errors.subjectNotFound(subject);
    const which = options.deletedAsNegative
      ? 'all'
      : options.deletedOnly
        ? 'deleted'
        : options.deleted
          ? 'all'
          : 'live';
    const versions = this.state
      .versions(subject, which)
      .map((value) => (options.deletedAsNegative && value.deleted ? -value.version : value.version));
    return page(versions, options.offset, options.limit);
  }

  /** GET /subjects, sorted. */
  listSubjects(options: {
    subjectPrefix?: string;
    deleted?: boolean;
    deletedOnly?: boolean;
    offset?: number;
    limit?: number;
  }): string[] {
    const subjects = [...this.state.subjects.keys()]
      .filter((subject) => subject.startsWith(options.subjectPrefix ?? ''))
      .filter((subject) => {
        const live = this.state.hasSubject(subject, false);
        return options.deletedOnly ? !live : options.deleted || live;
      })
      .sort();
    return page(subjects, options.offset, options.limit);
  }

  /** GET /schemas: every version of every subject matching the prefix (the latest only, if asked). */
  listSchemas(options: {
    subjectPrefix?: string;
    deleted?: boolean;
    latestOnly?: boolean;
    offset?: number;
    limit?: number;
  }): SchemaEntity[] {
    const schemas = this.listSubjects({
      subjectPrefix: options.subjectPrefix,
      deleted: options.deleted,
    }).flatMap((subject) => {
      const versions = this.state.versions(subject, options.deleted ? 'all' : 'live');
      return (options.latestOnly ? versions.slice(-1) : versions).map((value) =>
        entity(value, options.deleted),
      );
    });
    return page(schemas, options.offset, options.limit);
  }

  /** GET /subjects/{subject}/metadata: the latest version whose metadata properties hold all of `properties`. */
  latestWithMetadata(subject: string, properties: Record<string, string>, deleted: boolean): SchemaEntity {
    const match = this.state.versions(subject, deleted ? 'all' : 'live').findLast((value) => {
      const own = (value.metadata?.properties ?? {}) as Record<string, unknown>;
      return Object.entries(properties).every(([key, expected]) => own[key] === expected);
    });
    if (match) return entity(match, deleted);
    if (!this.state.hasSubject(subject, deleted)) throw errors.subjectNotFound(subject);
    throw errors.schemaNotFound();
  }

  /** GET /schemas/ids/{id}: the schema and, when `subject` holds it, that subject and version. */
  schemaById(id: number, options: { subject?: string; format?: string; fetchMaxId?: boolean } = {}) {
    const holders = this.state.holders(id);
    const value = holders.find((holder) => holder.subject === options.subject) ?? holders[0];
    if (!value) throw errors.schemaNotFound(id);
    const { subject, version, id: _id, deleted: _deleted, ...schema } = entity(value);
    return {
      ...(options.subject && value.subject === options.subject ? { subject, version } : {}),
      ...schema,
      schema: this.formatted(value, options.format),
      ...(options.fetchMaxId ? { maxId: this.state.maxId } : {}),
    };
  }

  /** GET /schemas/guids/{guid}. */
  schemaByGuid(guid: string, format?: string) {
    const id = this.state.idOfGuid(guid);
    if (id === undefined) throw errors.schemaNotFound(guid);
    return this.schemaById(id, { format });
  }

  /** The stored schema, or its rendering for `?format=` when the type has one (Protobuf's `serialized`). */
  formatted(
    value: Pick<SchemaEntity, 'schemaType' | 'schema' | 'references'>,
    format: string | undefined,
  ): string {
    if (!format) return value.schema;
    return (
      this.parse(value.schemaType, value.schema, value.references ?? []).formatted(format) ?? value.schema
    );
  }

  /** GET /schemas/ids/{id}/subjects. */
  subjectsOfId(id: number, deleted: boolean): string[] {
    const holders = this.state.holders(id);
    if (holders.length === 0) throw errors.schemaNotFound(id);
    return [...new Set(holders.filter((value) => deleted || !value.deleted).map((value) => value.subject))];
  }

  /** GET /schemas/ids/{id}/versions. */
  versionsOfId(id: number, deleted: boolean): { subject: string; version: number }[] {
    const holders = this.state.holders(id);
    if (holders.length === 0) throw errors.schemaNotFound(id);
    return holders
      .filter((value) => deleted || !value.deleted)
      .map(({ subject, version }) => ({ subject, version }));
  }

  /** GET /subjects/{subject}/versions/{version}/referencedby: ids of the live schemas referring to it. */
  referencedBy(subject: string, versionText: string): number[] {
    const value = this.resolveExisting(subject, parseVersion(versionText), false);
    return [
      ...new Set(
        this.state
          .referrersOf(subject, value.version)
          .filter((referrer) => !referrer.deleted)
          .map((referrer) => referrer.id),
      ),
    ].sort((a, b) => a - b);
  }

  private resolveExisting(subject: string, version: number, includeDeleted: boolean): SchemaValue {
    const value = this.find(subject, version, includeDeleted);
    if (value) return value;
    if (!this.state.hasSubject(subject, true)) throw errors.subjectNotFound(subject);
    throw errors.versionNotFound(version);
  }

  /**
   * DELETE /subjects/{subject}/versions/{version}: soft delete, or with `permanent` the removal of a version
   * soft-deleted before. A version other schemas refer to cannot be deleted (42206).
   */
  deleteVersion(subject: string, versionText: string, permanent: boolean): Promise<number> {
    const version = parseVersion(versionText);
    return this.write(async () => {
      const existing = version === -1 ? undefined : this.state.subjects.get(subject)?.get(version);
      if (existing?.deleted && !permanent) throw errors.versionSoftDeleted(subject, version);
      const value = this.resolveExisting(subject, version, true);
      this.checkWritable(subject);
      const referrers = this.state
        .referrersOf(subject, value.version)
        .filter((referrer) => permanent || !referrer.deleted);
      if (referrers.length > 0) throw errors.referenceExists(subject, value.version);
      if (permanent && !value.deleted) throw errors.versionNotSoftDeleted(subject, value.version);
      const records: StoreRecord[] = permanent
        ? [{ key: schemaKey(subject, value.version), value: null }]
        : [{ key: schemaKey(subject, value.version), value: { ...value, deleted: true } }];
      if (permanent && this.state.versions(subject, 'all').length === 1)
        records.push(...this.subjectSettingsRemoval(subject));
      await this.commit(
        records,
        `Error while deleting the schema for subject '${subject}' in the backend Kafka store`,
      );
      return value.version;
    });
  }

  /**
   * DELETE /subjects/{subject}: soft-deletes its live versions, or with `permanent` removes the versions
   * soft-deleted before (and its config and mode). Returns the versions deleted.
   */
  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.write(async () => {
      if (!this.state.hasSubject(subject, true)) throw errors.subjectNotFound(subject);
      if (!permanent && !this.state.hasSubject(subject, false)) throw errors.subjectSoftDeleted(subject);
      this.checkWritable(subject);
      const versions = this.state.versions(subject, permanent ? 'all' : 'live');
      for (const value of versions) {
        const others = this.state
          .referrersOf(subject, value.version)
          .filter((referrer) => referrer.subject !== subject && (permanent || !referrer.deleted));
        if (others.length > 0) throw errors.referenceExists(subject, value.version);
        if (permanent && !value.deleted) throw errors.subjectNotSoftDeleted(subject);
      }
      const last = versions.at(-1)?.version ?? 0;
      const records: StoreRecord[] = permanent
        ? [
            ...[...versions]
              .reverse()
              .map((value) => ({ key: schemaKey(subject, value.version), value: null })),
            ...this.subjectSettingsRemoval(subject),
          ]
        : [{ key: deleteSubjectKey(subject), value: { subject, version: last } }];
      await this.commit(records, 'Error while deleting the subject in the backend Kafka store');
      return versions.map((value) => value.version);
    });
  }

  private subjectSettingsRemoval(subject: string): StoreRecord[] {
    return [
      ...(this.state.configs.has(subject) ? [{ key: configKey(subject), value: null }] : []),
      ...(this.state.modes.has(subject) ? [{ key: modeKey(subject), value: null }] : []),
    ];
  }

  /**
   * POST /compatibility/subjects/{subject}/versions[/{version}]: whether the schema could be registered.
   * With a version, it is compared with that version only; without, with the versions the subject's level
   * names. With `verbose`, the reasons (and an invalid schema's error) come back as `messages`.
   */
  checkCompatibility(
    subject: string,
    versionText: string | undefined,
    request: SchemaRequest,
    options: { verbose?: boolean; normalize?: boolean } = {},
  ): { is_compatible: boolean; messages?: string[] } {
    let previous: SchemaValue[];
    if (versionText === undefined) {
      previous = this.state.versions(subject, 'live');
    } else {
      const version = parseVersion(versionText);
      const value = this.find(subject, version, false);
      if (!value && version !== -1) throw errors.versionNotFound(version);
      previous = value ? [value] : [];
    }
    let messages: string[];
    try {
      const normalize = options.normalize || this.configInScope(subject).normalize === true;
      const { parsed } = this.candidate(request, normalize);
      const level = this.configInScope(subject).compatibilityLevel;
      const oldest = versionText === undefined ? previous : previous.slice(-1);
      messages = compatibilityErrors(
        level,
        parsed,
        oldest.map((value) => this.parseStored(value)),
      );
    } catch (error) {
      if (!(error instanceof RegistryError) || error.errorCode !== 42201 || !options.verbose) throw error;
      messages = [error.message];
    }
    return { is_compatible: messages.length === 0, ...(options.verbose ? { messages } : {}) };
  }
}

function stripSubject(config: ConfigValue | undefined): ConfigEntity {
  if (!config) return {};
  const { subject: _subject, ...rest } = config;
  return rest;
}
