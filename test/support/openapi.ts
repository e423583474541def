/**
 * Checks real requests and responses against the served OpenAPI 3.1 document (JSON Schema 2020-12),
 * so the document cannot drift from what the API does.
 */
import Ajv2020 from 'ajv/dist/2020.js';

type Document = { paths: Record<string, Record<string, unknown>> };

function pointer(...parts: string[]): string {
  return parts.map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

export function openApiValidator(document: Document) {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  ajv.addSchema(document as object, 'openapi');
  const check = (ref: string, data: unknown) => {
    const validate = ajv.getSchema(`openapi#/${ref}`);
    if (!validate) throw new Error(`no schema at ${ref}`);
    if (!validate(data)) {
      throw new Error(`does not match ${decodeURIComponent(ref)}: ${ajv.errorsText(validate.errors)}`);
    }
  };
  return {
    response(path: string, method: string, status: number, body: unknown) {
      check(
        pointer('paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema'),
        body,
      );
    },
    request(path: string, method: string, body: unknown) {
      check(pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema'), body);
    },
  };
}
