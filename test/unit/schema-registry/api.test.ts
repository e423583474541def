import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSchemaRegistry, startSchemaRegistry } from '../../../src/schema-registry/server.js';
import { MemoryStore } from '../../../src/schema-registry/store.js';

const V1 = 'application/vnd.schemaregistry.v1+json';

const record = (name: string, fields: unknown[] = [{ name: 'id', type: 'int' }]) =>
  JSON.stringify({ type: 'record', name, fields });

let running: RunningSchemaRegistry;
let store: MemoryStore;

beforeAll(async () => {
  store = new MemoryStore();
  running = await startSchemaRegistry({ port: 0, store });
});
afterAll(() => running.stop());

let subjectCounter = 0;
const subject = (prefix = 's') => `${prefix}-${++subjectCounter}`;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: { 'content-type': V1, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, type: response.headers.get('content-type'), body: json };
}

describe('register and look up', () => {
  it('gives the same schema the same id and version, in every subject', async () => {
    // Prepare
    const [a, b] = [subject(), subject()];
    const schema = record('Same');

    // Act
    const first = await call('POST', `/subjects/${a}/versions`, { schema });
    const again = await call('POST', `/subjects/${a}/versions`, { schema: ` ${schema}\n` });
    const other = await call('POST', `/subjects/${b}/versions`, { schema, schemaType: 'AVRO' });

    // Assess
    expect(first).toMatchObject({ status: 200, type: V1, body: { version: 1, schemaType: 'AVRO', schema } });
    expect(again.body).toEqual(first.body);
    expect(other.body).toMatchObject({ id: first.body.id, version: 1 });
    expect(first.body.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('adds a version for a compatible change and refuses an incompatible one with 409', async () => {
    // Prepare
    const s = subject();
    await call('POST', `/subjects/${s}/versions`, { schema: record('Evolving') });
    const added = record('Evolving', [
      { name: 'id', type: 'int' },
      { name: 'note', type: 'string', default: '' },
    ]);
    const breaking = record('Evolving', [{ name: 'id', type: 'string' }]);

    // Act
    const second = await call('POST', `/subjects/${s}/versions`, { schema: added });
    const refused = await call('POST', `/subjects/${s}/versions`, { schema: breaking });

    // Assess
    expect(second.body.version).toBe(2);
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe(409);
    expect(refused.body.message).toContain(`incompatible with an earlier schema for subject "${s}"`);
    expect((await call('GET', `/subjects/${s}/versions`)).body).toEqual([1, 2]);
  });

  it('finds the version holding a schema, and says which of subject or schema is missing', async () => {
    // Prepare
    const s = subject();
    const registered = await call('POST', `/subjects/${s}/versions`, { schema: record('Looked') });

    // Act
    const found = await call('POST', `/subjects/${s}`, { schema: record('Looked') });
    const otherSchema = await call('POST', `/subjects/${s}`, { schema: record('NotThere') });
    const noSubject = await call('POST', `/subjects/${subject()}`, { schema: record('Looked') });

    // Assess
    expect(found.body).toMatchObject({ subject: s, version: 1, id: registered.body.id });
    expect(otherSchema).toMatchObject({
      status: 404,
      body: { error_code: 40403, message: 'Schema not found' },
    });
    expect(noSubject.body.error_code).toBe(40401);
  });

  it.each([
    ['AVRO', '{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}'],
    ['AVRO', '{"type":"record","name":"X","fields":[{"name":"a","type":"int","default":"x"}]}'],
    ['AVRO', 'not json'],
    ['JSON', '{"type":"object","properties":{"a":{"type":12}}}'],
    ['PROTOBUF', 'syntax = "proto3"; message M { Missing m = 1; }'],
    ['PROTOBUF', 'syntax = "proto3"; message M { string s = 1 }'],
    ['XML', '<a/>'],
  ])('refuses an invalid %s schema with 42201: %s', async (schemaType, schema) => {
    // Act
    const response = await call('POST', `/subjects/${subject()}/versions`, { schema, schemaType });

    // Assess
    expect(response.status).toBe(422);
    expect(response.body.error_code).toBe(42201);
  });

  it('answers bad requests with the status and code Confluent uses', async () => {
    // Act
    const responses = await Promise.all([
      call('POST', `/subjects/${subject()}/versions`, '{"schema": '),
      call('POST', `/subjects/${subject()}/versions`, { schema: 5 }),
      call('POST', `/subjects/${subject()}/versions`, {}),
      call('GET', '/nowhere'),
      call('PATCH', '/subjects'),
      call('POST', `/subjects/${subject()}/versions`, { schema: '"int"' }, { 'content-type': 'text/plain' }),
      call('GET', '/subjects', undefined, { accept: 'text/html' }),
      call('GET', '/schemas/ids/abc'),
    ]);

    // Assess
    expect(responses.map(({ status, body }) => [status, body.error_code])).toEqual([
      [400, 400],
      [422, 422],
      [422, 42201],
      [404, 404],
      [405, 405],
      [415, 415],
      [406, 406],
      [404, 404],
    ]);
  });

  it('answers with the media type the client accepts', async () => {
    // Act
    const plain = await call('GET', '/subjects', undefined, { accept: 'application/json' });
    const python = await call('GET', '/subjects', undefined, {
      accept: 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json',
    });

    // Assess
    expect(plain.type).toBe('application/json');
    expect(python.type).toBe(V1);
  });
});

describe('versions and schemas', () => {
  it('reads a version by number, latest and -1, and refuses invalid versions with 42202', async () => {
    // Prepare
    const s = subject();
    await call('POST', `/subjects/${s}/versions`, { schema: record('V') });
    await call('POST', `/subjects/${s}/versions`, {
      schema: record('V', [
        { name: 'id', type: 'int' },
        { name: 'x', type: ['null', 'int'], default: null },
      ]),
    });

    // Act
    const [one, latest, minusOne, missing, zero, word, unknownSubject] = await Promise.all([
      call('GET', `/subjects/${s}/versions/1`),
      call('GET', `/subjects/${s}/versions/latest`),
      call('GET', `/subjects/${s}/versions/-1`),
      call('GET', `/subjects/${s}/versions/3`),
      call('GET', `/subjects/${s}/versions/0`),
      call('GET', `/subjects/${s}/versions/first`),
      call('GET', `/subjects/${subject()}/versions/1`),
    ]);

    // Assess
    expect(one.body).toMatchObject({ subject: s, version: 1 });
    expect(latest.body.version).toBe(2);
    expect(minusOne.body.version).toBe(2);
    expect(missing.body).toEqual({ error_code: 40402, message: 'Version 3 not found.' });
    expect([zero.status, zero.body.error_code, word.body.error_code]).toEqual([422, 42202, 42202]);
    expect(unknownSubject.body.error_code).toBe(40401);
  });

  it('serves schemas by id, as themselves, with their subjects and versions, and the schema types', async () => {
    // Prepare
    const [a, b] = [subject(), subject()];
    const { body } = await call('POST', `/subjects/${a}/versions`, { schema: record('ById') });
    await call('POST', `/subjects/${b}/versions`, { schema: record('ById') });

    // Act
    const [byId, withSubject, raw, subjects, versions, types, missing, byGuid] = await Promise.all([
      call('GET', `/schemas/ids/${body.id}`),
      call('GET', `/schemas/ids/${body.id}?subject=${b}&fetchMaxId=true`),
      call('GET', `/schemas/ids/${body.id}/schema`),
      call('GET', `/schemas/ids/${body.id}/subjects`),
      call('GET', `/schemas/ids/${body.id}/versions`),
      call('GET', '/schemas/types'),
      call('GET', '/schemas/ids/99999'),
      call('GET', `/schemas/guids/${body.guid}`),
    ]);

    // Assess
    expect(byId.body).toEqual({ guid: body.guid, schemaType: 'AVRO', schema: record('ById') });
    expect(withSubject.body).toMatchObject({ subject: b, version: 1, maxId: expect.any(Number) });
    expect(raw.body).toEqual(JSON.parse(record('ById')));
    expect(subjects.body).toEqual([a, b]);
    expect(versions.body).toEqual([
      { subject: a, version: 1 },
      { subject: b, version: 1 },
    ]);
    expect(types.body).toEqual(['JSON', 'PROTOBUF', 'AVRO']);
    expect(missing).toMatchObject({
      status: 404,
      body: { error_code: 40403, message: 'Schema 99999 not found' },
    });
    expect(byGuid.body.schema).toBe(record('ById'));
  });

  it('lists subjects, with and without the deleted ones', async () => {
    // Prepare
    const prefix = `list${subjectCounter++}`;
    await call('POST', `/subjects/${prefix}-a/versions`, { schema: record('L') });
    await call('POST', `/subjects/${prefix}-b/versions`, { schema: record('L') });
    await call('DELETE', `/subjects/${prefix}-b`);

    // Act
    const live = await call('GET', `/subjects?subjectPrefix=${prefix}`);
    const all = await call('GET', `/subjects?subjectPrefix=${prefix}&deleted=true`);
    const deletedOnly = await call('GET', `/subjects?subjectPrefix=${prefix}&deletedOnly=true`);

    // Assess
    expect(live.body).toEqual([`${prefix}-a`]);
    expect(all.body).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(deletedOnly.body).toEqual([`${prefix}-b`]);
  });
});

describe('deletes', () => {
  it('soft-deletes a version before it can be deleted permanently', async () => {
    // Prepare
    const s = subject();
    const { body } = await call('POST', `/subjects/${s}/versions`, { schema: record('Del') });

    // Act
    const permanentFirst = await call('DELETE', `/subjects/${s}/versions/1?permanent=true`);
    const soft = await call('DELETE', `/subjects/${s}/versions/1`);
    const softAgain = await call('DELETE', `/subjects/${s}/versions/1`);
    const stillById = await call('GET', `/schemas/ids/${body.id}`);
    const withDeleted = await call('GET', `/subjects/${s}/versions/1?deleted=true`);
    const permanent = await call('DELETE', `/subjects/${s}/versions/1?permanent=true`);

    // Assess
    expect(permanentFirst.body.error_code).toBe(40407);
    expect(soft.body).toBe(1);
    expect(softAgain.body.error_code).toBe(40406);
    expect(stillById.status).toBe(200);
    expect(withDeleted.body).toMatchObject({ version: 1, deleted: true });
    expect(permanent.body).toBe(1);
    expect((await call('GET', `/schemas/ids/${body.id}`)).body.error_code).toBe(40403);
  });

  it('deletes a subject softly, then permanently, with its config', async () => {
    // Prepare
    const s = subject();
    await call('POST', `/subjects/${s}/versions`, { schema: record('Sub') });
    await call('PUT', `/config/${s}`, { compatibility: 'NONE' });
    await call('POST', `/subjects/${s}/versions`, { schema: record('Other') });

    // Act
    const permanentFirst = await call('DELETE', `/subjects/${s}?permanent=true`);
    const soft = await call('DELETE', `/subjects/${s}`);
    const softAgain = await call('DELETE', `/subjects/${s}`);
    const versions = await call('GET', `/subjects/${s}/versions?deletedAsNegative=true`);
    const permanent = await call('DELETE', `/subjects/${s}?permanent=true`);
    const gone = await call('DELETE', `/subjects/${s}`);

    // Assess
    expect(permanentFirst.body.error_code).toBe(40405);
    expect(soft.body).toEqual([1, 2]);
    expect(softAgain.body.error_code).toBe(40404);
    expect(versions.body).toEqual([-1, -2]);
    expect(permanent.body).toEqual([1, 2]);
    expect(gone.body.error_code).toBe(40401);
    expect((await call('GET', `/config/${s}`)).body.error_code).toBe(40408);
  });

  it('registers a soft-deleted schema again as a new version with its old id', async () => {
    // Prepare
    const s = subject();
    const first = await call('POST', `/subjects/${s}/versions`, { schema: record('Back') });
    await call('DELETE', `/subjects/${s}`);

    // Act
    const again = await call('POST', `/subjects/${s}/versions`, { schema: record('Back') });

    // Assess
    expect(again.body).toMatchObject({ id: first.body.id, version: 2 });
  });
});

describe('references', () => {
  it('resolves Avro named types from a referenced subject and protects the reference from deletion', async () => {
    // Prepare
    const [address, person] = [subject('address'), subject('person')];
    const addressSchema = JSON.stringify({
      type: 'record',
      name: 'Address',
      namespace: 'com.example',
      fields: [{ name: 'city', type: 'string' }],
    });
    const personSchema = JSON.stringify({
      type: 'record',
      name: 'Person',
      namespace: 'com.example',
      fields: [{ name: 'home', type: 'com.example.Address' }],
    });
    await call('POST', `/subjects/${address}/versions`, { schema: addressSchema });

    // Act
    const withoutReference = await call('POST', `/subjects/${person}/versions`, { schema: personSchema });
    const registered = await call('POST', `/subjects/${person}/versions`, {
      schema: personSchema,
      references: [{ name: 'com.example.Address', subject: address, version: 1 }],
    });
    const referencedBy = await call('GET', `/subjects/${address}/versions/1/referencedby`);
    const deleteReferenced = await call('DELETE', `/subjects/${address}/versions/1`);

    // Assess
    expect(withoutReference.body.error_code).toBe(42201);
    expect(registered.body.references).toEqual([
      { name: 'com.example.Address', subject: address, version: 1 },
    ]);
    expect(referencedBy.body).toEqual([registered.body.id]);
    expect(deleteReferenced.body.error_code).toBe(42206);
  });

  it('resolves Protobuf imports and JSON Schema $refs by reference name', async () => {
    // Prepare
    const [common, order, jsonCommon, jsonOrder] = [subject(), subject(), subject(), subject()];
    await call('POST', `/subjects/${common}/versions`, {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; package shop; message Money { int64 cents = 1; }',
    });
    await call('POST', `/subjects/${jsonCommon}/versions`, {
      schemaType: 'JSON',
      schema: '{"type":"object","properties":{"cents":{"type":"integer"}}}',
    });

    // Act
    const proto = await call('POST', `/subjects/${order}/versions`, {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; package shop; import "money.proto"; message Order { Money total = 1; }',
      references: [{ name: 'money.proto', subject: common, version: 1 }],
    });
    const json = await call('POST', `/subjects/${jsonOrder}/versions`, {
      schemaType: 'JSON',
      schema: '{"type":"object","properties":{"total":{"$ref":"money.json"}}}',
      references: [{ name: 'money.json', subject: jsonCommon, version: 1 }],
    });

    // Assess
    expect(proto.status).toBe(200);
    expect(json.status).toBe(200);
  });
});

describe('config and mode', () => {
  it('keeps a global and per-subject compatibility level', async () => {
    // Prepare
    const s = subject();

    // Act
    const global = await call('GET', '/config');
    const none = await call('GET', `/config/${s}`);
    const fallback = await call('GET', `/config/${s}?defaultToGlobal=true`);
    const put = await call('PUT', `/config/${s}`, { compatibility: 'full_transitive' });
    const own = await call('GET', `/config/${s}`);
    const invalid = await call('PUT', `/config/${s}`, { compatibility: 'SIDEWAYS' });
    const unsupported = await call('PUT', `/config/${s}`, { alias: 'other' });
    const deleted = await call('DELETE', `/config/${s}`);

    // Assess
    expect(global.body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect(none).toMatchObject({ status: 404, body: { error_code: 40408 } });
    expect(fallback.body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect(put.body).toEqual({ compatibility: 'FULL_TRANSITIVE' });
    expect(own.body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    expect(invalid.body.error_code).toBe(42203);
    expect(unsupported.body.error_code).toBe(42205);
    expect(deleted.body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
  });

  it('applies the subject level: NONE lets anything through', async () => {
    // Prepare
    const s = subject();
    await call('PUT', `/config/${s}`, { compatibility: 'NONE' });
    await call('POST', `/subjects/${s}/versions`, { schema: record('Free') });

    // Act
    const changed = await call('POST', `/subjects/${s}/versions`, {
      schema: record('Free', [{ name: 'id', type: 'string' }]),
    });

    // Assess
    expect(changed.body.version).toBe(2);
  });

  it('refuses writes in READONLY mode and takes ids in IMPORT mode', async () => {
    // Prepare
    const [readonly, imported] = [subject(), subject()];
    await call('PUT', `/mode/${readonly}`, { mode: 'READONLY' });
    await call('PUT', `/mode/${imported}`, { mode: 'IMPORT' });

    // Act
    const refused = await call('POST', `/subjects/${readonly}/versions`, { schema: record('Ro') });
    const withId = await call('POST', `/subjects/${imported}/versions`, {
      schema: record('Imported'),
      id: 5000,
      version: 7,
    });
    const idWithoutImport = await call('POST', `/subjects/${subject()}/versions`, {
      schema: record('X'),
      id: 1,
    });
    const mode = await call('GET', `/mode/${imported}`);
    const noMode = await call('GET', `/mode/${subject()}`);
    const invalidMode = await call('PUT', '/mode', { mode: 'SOMETIMES' });

    // Assess
    expect(refused.body.error_code).toBe(42205);
    expect(withId.body).toMatchObject({ id: 5000, version: 7 });
    expect(idWithoutImport.body.error_code).toBe(42205);
    expect(mode.body).toEqual({ mode: 'IMPORT' });
    expect(noMode.body.error_code).toBe(40409);
    expect(invalidMode.body.error_code).toBe(42204);
    expect((await call('GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
  });
});

describe('compatibility endpoint', () => {
  it('checks against one version or the level, verbosely when asked', async () => {
    // Prepare
    const s = subject();
    await call('POST', `/subjects/${s}/versions`, { schema: record('C') });
    const breaking = { schema: record('C', [{ name: 'other', type: 'int' }]) };

    // Act
    const latest = await call('POST', `/compatibility/subjects/${s}/versions/latest`, breaking);
    const verbose = await call('POST', `/compatibility/subjects/${s}/versions/1?verbose=true`, breaking);
    const all = await call('POST', `/compatibility/subjects/${s}/versions`, { schema: record('C') });
    const missingVersion = await call('POST', `/compatibility/subjects/${s}/versions/9`, breaking);
    const newSubject = await call('POST', `/compatibility/subjects/${subject()}/versions/latest`, breaking);
    const invalidVerbose = await call('POST', `/compatibility/subjects/${s}/versions/latest?verbose=True`, {
      schema: '{',
    });

    // Assess
    expect(latest.body).toEqual({ is_compatible: false });
    expect(verbose.body.is_compatible).toBe(false);
    expect(verbose.body.messages.join()).toContain('BACKWARD');
    expect(all.body).toEqual({ is_compatible: true });
    expect(missingVersion.body.error_code).toBe(40402);
    expect(newSubject.body).toEqual({ is_compatible: true });
    expect(invalidVerbose.body.is_compatible).toBe(false);
  });
});

describe('store', () => {
  it("writes Confluent's record shapes and answers 50001, changing nothing, when the store fails", async () => {
    // Prepare
    const failing = new MemoryStore();
    const broken = await startSchemaRegistry({ port: 0, store: failing, log: () => {} });
    const s = subject();
    await fetch(`${broken.url}/subjects/${s}/versions`, {
      method: 'POST',
      headers: { 'content-type': V1 },
      body: JSON.stringify({ schema: record('Kept') }),
    });
    failing.append = () => Promise.reject(new Error('broker down at 10.0.0.1:9092'));

    // Act
    const response = await fetch(`${broken.url}/subjects/${s}/versions`, {
      method: 'POST',
      headers: { 'content-type': V1 },
      body: JSON.stringify({
        schema: record('Kept', [
          { name: 'id', type: 'int' },
          { name: 'n', type: 'int', default: 0 },
        ]),
      }),
    });
    const versions = await (await fetch(`${broken.url}/subjects/${s}/versions`)).json();
    await broken.stop();

    // Assess
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error_code: number; message: string };
    expect(body.error_code).toBe(50001);
    expect(body.message).not.toContain('10.0.0.1');
    expect(versions).toEqual([1]);
    expect(failing.records[0]).toEqual({
      key: { keytype: 'SCHEMA', subject: s, version: 1, magic: 1 },
      value: expect.objectContaining({ subject: s, version: 1, schemaType: 'AVRO', deleted: false }),
    });
  });

  it('comes back with the same state from the records it stored', async () => {
    // Prepare
    const s = subject();
    await call('POST', `/subjects/${s}/versions`, { schema: record('Replay') });
    await call('PUT', `/config/${s}`, { compatibility: 'FORWARD' });
    await call('DELETE', `/subjects/${s}`);

    // Act
    const reopened = await startSchemaRegistry({ port: 0, store });
    const subjects = await (await fetch(`${reopened.url}/subjects?deleted=true`)).json();
    const config = await (await fetch(`${reopened.url}/config/${s}`)).json();
    const live = await (await fetch(`${reopened.url}/subjects/${s}/versions`)).json();
    await reopened.stop();

    // Assess
    expect(subjects).toContain(s);
    expect(config).toEqual({ compatibilityLevel: 'FORWARD' });
    expect(live).toMatchObject({ error_code: 40401 });
  });
});
