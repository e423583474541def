/**
 * What the format modules (avro.ts, protobuf.ts, json-schema.ts) have in common: a value's problems, field
 * by field, when it does not fit its schema.
 */

/** One problem of a value: where in it (object keys and array indexes) and what is wrong. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

/** A value does not fit its schema; `issues` say where and why. */
export class SchemaValueError extends Error {
  override name = 'SchemaValueError';

  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`).join('; '));
  }
}

/** A registered schema cannot be used: invalid text, a missing reference or message, ... */
export class SchemaCompileError extends Error {
  override name = 'SchemaCompileError';
}
