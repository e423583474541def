/** Helpers for tests of the schema formats: one order in each format, registering schemas, and reading a value's problems. */
import { create, createFileRegistry, type DescMessage } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import { SchemaValueError } from '../../src/shared/schema/codec.js';

/** shop.Order in Avro. */
export const ORDER_AVRO = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'cents', type: 'long' },
  ],
});
/**
 * shop.Order in Avro with each kind of field the JSON mapping handles: a nullable union, an array of
 * records, an enum and bytes, all but `id` and `amount` with defaults.
 */
export const FULL_ORDER_AVRO = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
    {
      name: 'items',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Item',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
          ],
        },
      },
      default: [],
    },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] }, default: 'NEW' },
    { name: 'digest', type: ['null', 'bytes'], default: null },
  ],
});
/** shop.Order as a JSON Schema. */
export const ORDER_JSON_SCHEMA = JSON.stringify({
  type: 'object',
  properties: { id: { type: 'string' }, cents: { type: 'integer' } },
  required: ['id', 'cents'],
  additionalProperties: false,
});

/** shop.Order as protoc would describe it, without generated code. */
export function orderMessage(fileName: string): DescMessage {
  const file = create(FileDescriptorProtoSchema, {
    name: fileName,
    package: 'shop',
    syntax: 'proto3',
    messageType: [
      {
        name: 'Order',
        field: [
          {
            name: 'id',
            number: 1,
            type: FieldDescriptorProto_Type.STRING,
            label: FieldDescriptorProto_Label.OPTIONAL,
            jsonName: 'id',
          },
          {
            name: 'cents',
            number: 2,
            type: FieldDescriptorProto_Type.INT64,
            label: FieldDescriptorProto_Label.OPTIONAL,
            jsonName: 'cents',
          },
        ],
      },
    ],
  });
  const message = createFileRegistry(file, () => undefined).getMessage('shop.Order');
  if (!message) throw new Error('shop.Order not built');
  return message;
}

const V1 = 'application/vnd.schemaregistry.v1+json';

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
