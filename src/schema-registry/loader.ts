/**
 * Registers the service's own schemas from a folder, at every start: `<subject>.avsc` (Avro),
 * `<subject>.proto` (Protobuf), `<subject>.json` (JSON Schema). Registering is idempotent, so an unchanged
 * file keeps its version and id; a changed one becomes a new version, or fails the start when it is
 * incompatible. A `.proto` import or a JSON Schema `$ref` naming another file of the folder becomes a
 * schema reference to that file's subject, registered first.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { SchemaReference, SchemaType } from './model.js';
import type { SchemaEntity, SchemaRegistry } from './registry.js';

const TYPES: Record<string, SchemaType> = { '.avsc': 'AVRO', '.proto': 'PROTOBUF', '.json': 'JSON' };

interface SchemaFile {
  file: string;
  subject: string;
  schemaType: SchemaType;
  schema: string;
  /** Other files of the folder this one names. */
  dependsOn: string[];
}

function dependencies(schemaType: SchemaType, schema: string, files: Set<string>): string[] {
  const named =
    schemaType === 'PROTOBUF'
      ? [...schema.matchAll(/^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm)].map(
          (match) => match[1] ?? '',
        )
      : schemaType === 'JSON'
        ? [...schema.matchAll(/"\$ref"\s*:\s*"([^"#]+)/g)].map((match) => match[1] ?? '')
        : [];
  return [...new Set(named.filter((name) => files.has(name)))];
}

/**
 * Registers every schema file of `folder` (none when it does not exist), dependencies first, and returns
 * what each became. Throws the registry's error (e.g. 409 for an incompatible change) naming the file.
 */
export async function loadSchemas(registry: SchemaRegistry, folder: string): Promise<SchemaEntity[]> {
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const schemaNames = names.filter((name) => TYPES[extname(name)]).sort();
  const present = new Set(schemaNames);
  const files = new Map<string, SchemaFile>();
  for (const file of schemaNames) {
    const schemaType = TYPES[extname(file)] as SchemaType;
    const schema = await readFile(join(folder, file), 'utf8');
    files.set(file, {
      file,
      subject: file.slice(0, -extname(file).length),
      schemaType,
      schema,
      dependsOn: dependencies(schemaType, schema, present),
    });
  }
  const registered = new Map<string, SchemaEntity>();
  const visiting = new Set<string>();
  const register = async (entry: SchemaFile): Promise<SchemaEntity> => {
    const done = registered.get(entry.file);
    if (done) return done;
    if (visiting.has(entry.file)) throw new Error(`${join(folder, entry.file)}: circular reference`);
    visiting.add(entry.file);
    const references: SchemaReference[] = [];
    for (const name of entry.dependsOn) {
      const dependency = files.get(name);
      if (!dependency) continue;
      const { subject, version } = await register(dependency);
      references.push({ name, subject, version });
    }
    const result = await registry
      .register(entry.subject, { schema: entry.schema, schemaType: entry.schemaType, references })
      .catch((error: unknown) => {
        throw Object.assign(new Error(`${join(folder, entry.file)}: ${(error as Error).message}`), {
          cause: error,
        });
      });
    registered.set(entry.file, result);
    return result;
  };
  for (const entry of files.values()) await register(entry);
  return [...registered.values()];
}
