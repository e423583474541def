/** Helpers for tests of the schema formats: registering schemas, and reading a value's problems. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../../infra/kafka/broker.js';
import { SchemaValueError } from '../../src/shared/schema/codec.js';

const V1 = 'application/vnd.schemaregistry.v1+json';

/** A small order, `{id, cents}`, as an Avro record (`shop.Order`) and as a JSON Schema, for schema tests. */
export const SMALL_ORDER = Object.freeze({
  avro: fixture('small-order.avsc'),
  jsonSchema: fixture('small-order.schema.json'),
});

/** A schema of test/fixtures/schemas, as compact JSON text. */
function fixture(name: string): string {
  return JSON.stringify(
    JSON.parse(readFileSync(join(repositoryRoot, 'test', 'fixtures', 'schemas', name), 'utf8')),
  );
}

/** Registers `schema` under `subject` with the registry at `url` and returns its id; throws on a refusal. */
export async function registerSchema(
  url: string,
  subject: string,
  schema: string,
  schemaType: 'AVRO' | 'PROTOBUF' | 'JSON' = 'AVRO',
): Promise<number> {
  const response = await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': V1 },
    body: JSON.stringify({ schema, schemaType }),
  });
  const body = (await response.json()) as { id?: number; message?: string };
  if (!response.ok || body.id === undefined) throw new Error(`${subject} not registered: ${body.message}`);
  return body.id;
}

/** The issues of the SchemaValueError `encode` throws; fails when it throws nothing or something else. */
export function valueIssues(encode: () => unknown) {
  try {
    encode();
  } catch (error) {
    if (error instanceof SchemaValueError) return error.issues;
    throw error;
  }
  throw new Error('expected a SchemaValueError');
}
