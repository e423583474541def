/**
 * What the registry stores: the keys and values of Confluent Schema Registry's `_schemas` topic
 * (io.confluent.kafka.schemaregistry.storage.{SchemaKey,SchemaValue,ConfigKey,ConfigValue,ModeKey,ModeValue,
 * DeleteSubjectKey,DeleteSubjectValue,NoopKey}), field for field, so a topic written by one registry can be
 * read by the other. The registry's whole state is the fold of these records in log order.
 */

export const SCHEMA_TYPES = ['AVRO', 'PROTOBUF', 'JSON'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;
export type Mode = (typeof MODES)[number];

/** A named dependency of a schema: another subject's version, imported under `name`. */
export interface SchemaReference {
  /** How the schema refers to it: an Avro full name, a `.proto` import path, a JSON Schema `$ref` URL. */
  name: string;
  subject: string;
  version: number;
}

/**
 * Data-contract metadata and rules. The registry stores and returns them (clients execute rules); it does
 * not merge them with a config's defaults.
 */
export type Opaque = Record<string, unknown>;

export interface SchemaValue {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  references: SchemaReference[];
  metadata?: Opaque;
  ruleSet?: Opaque;
  /** The schema in its stored (canonical) form. */
  schema: string;
  deleted: boolean;
}

export interface ConfigValue {
  subject: string | null;
  compatibilityLevel?: CompatibilityLevel;
  normalize?: boolean;
}

export interface ModeValue {
  subject: string | null;
  mode: Mode;
}

/** Soft-deletes every version of `subject` up to `version`. */
export interface DeleteSubjectValue {
  subject: string;
  version: number;
}

export type StoreRecord =
  | { key: { keytype: 'SCHEMA'; subject: string; version: number; magic: 1 }; value: SchemaValue | null }
  | { key: { keytype: 'CONFIG'; subject: string | null; magic: 0 }; value: ConfigValue | null }
  | { key: { keytype: 'MODE'; subject: string | null; magic: 0 }; value: ModeValue | null }
  | { key: { keytype: 'DELETE_SUBJECT'; subject: string; magic: 0 }; value: DeleteSubjectValue | null }
  | { key: { keytype: 'NOOP'; magic: 0 }; value: null };

export const schemaKey = (subject: string, version: number) =>
  ({ keytype: 'SCHEMA', subject, version, magic: 1 }) as const;
export const configKey = (subject: string | null) => ({ keytype: 'CONFIG', subject, magic: 0 }) as const;
export const modeKey = (subject: string | null) => ({ keytype: 'MODE', subject, magic: 0 }) as const;
export const deleteSubjectKey = (subject: string) =>
  ({ keytype: 'DELETE_SUBJECT', subject, magic: 0 }) as const;
