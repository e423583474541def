/**
 * Compatibility levels as Confluent's registry applies them (io.confluent.kafka.schemaregistry.CompatibilityChecker):
 * BACKWARD means the new schema can read data written with the previous one, FORWARD that the previous one
 * can read data written with the new one, FULL both. The plain levels compare with the latest version, the
 * `_TRANSITIVE` ones with every version that is not deleted, newest first.
 */
import type { ParsedSchema } from './formats/format.js';
import type { CompatibilityLevel } from './model.js';

/**
 * Why `candidate` cannot follow `previous` (oldest first) at `level`; empty when it can.
 * Schemas of another type are always incompatible, as in Confluent's registry.
 */
export function compatibilityErrors(
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  previous: ParsedSchema[],
): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? [...previous].reverse() : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const errors: string[] = [];
  for (const old of against) {
    if (old.schemaType !== candidate.schemaType) {
      errors.push('Incompatible because of different schema type');
      continue;
    }
    if (backward) errors.push(...candidate.readErrors(old));
    if (forward) errors.push(...old.readErrors(candidate));
  }
  if (errors.length > 0) errors.push(`{compatibility: '${level}'}`);
  return errors;
}
