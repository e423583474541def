/**
 * The registry's errors, with Confluent Schema Registry's `error_code`s and messages
 * (io.confluent.kafka.schemaregistry.rest.exceptions.Errors), so clients that branch on them
 * (`RestError.errorCode`, `SchemaRegistryError.error_code`) behave as against Confluent's registry.
 * {@link httpStatus} is the one place that turns a code into an HTTP status.
 */

export class RegistryError extends Error {
  override name = 'RegistryError';

  /**
   * @param errorCode Confluent's code: five digits whose first three are the HTTP status (40401 is a
   *   404), or a bare HTTP status (409, 422, 500) where Confluent uses one.
   */
  constructor(
    readonly errorCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** 5xx failures are the store's, and worth retrying; every other code is the caller's. */
  get retriable(): boolean {
    return httpStatus(this.errorCode) >= 500;
  }
}

/** The HTTP status of an error code: 40401 -> 404, 409 -> 409. */
export function httpStatus(errorCode: number): number {
  return errorCode >= 10_000 ? Math.floor(errorCode / 100) : errorCode;
}

export const subjectNotFound = (subject: string) =>
  new RegistryError(40401, `Subject '${subject}' not found.`);
export const versionNotFound = (version: number) => new RegistryError(40402, `Version ${version} not found.`);
export const schemaNotFound = (id?: number | string) =>
  new RegistryError(40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`);
export const subjectSoftDeleted = (subject: string) =>
  new RegistryError(40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
export const subjectNotSoftDeleted = (subject: string) =>
  new RegistryError(40405, `Subject '${subject}' was not deleted first before being permanently deleted`);
export const versionSoftDeleted = (subject: string, version: number) =>
  new RegistryError(
    40406,
    `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
  );
export const versionNotSoftDeleted = (subject: string, version: number) =>
  new RegistryError(
    40407,
    `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
  );
export const subjectCompatibilityNotConfigured = (subject: string) =>
  new RegistryError(40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const subjectModeNotConfigured = (subject: string) =>
  new RegistryError(40409, `Subject '${subject}' does not have subject-level mode configured`);
export const incompatibleSchema = (subject: string, messages: string[]) =>
  new RegistryError(
    409,
    `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`,
  );
export const invalidSchema = (message: string, cause?: unknown) =>
  new RegistryError(42201, message, { cause });
export const invalidVersion = (version: string) =>
  new RegistryError(
    42202,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  );
export const invalidCompatibilityLevel = () =>
  new RegistryError(
    42203,
    'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
  );
export const invalidMode = () =>
  new RegistryError(
    42204,
    'Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT.',
  );
export const operationNotPermitted = (message: string) => new RegistryError(42205, message);
export const referenceExists = (subject: string, version: number) =>
  new RegistryError(
    42206,
    `One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${subject},version=${version}}.`,
  );
export const invalidSubject = (subject: string) =>
  new RegistryError(42208, `The specified subject '${subject}' is not a valid.`);
/** The store could not be read or written; the message never carries the cause's details. */
export const storeError = (message: string, cause: unknown) => new RegistryError(50001, message, { cause });
