import { describe, expect, it } from 'vitest';
import { OfflineKafkaError } from '../../src/serverless-kafka-events/emulate/errors.js';
import { ConfigurationError } from '../../src/shared/config.js';
import * as errors from '../../src/shared/errors.js';

// Lambda reports a failed invocation's `errorType` from the thrown error's `name`; logs show it too.
describe('error names', () => {
  const serviceErrors = Object.entries(errors as Record<string, unknown>).filter(
    (entry): entry is [string, new (message: string) => errors.ServiceError] =>
      typeof entry[1] === 'function' && entry[1].prototype instanceof errors.ServiceError,
  );

  it('covers every error class of the service', () => {
    expect(serviceErrors.length).toBeGreaterThan(30);
  });

  it.each(serviceErrors)('%s is named after itself', (exported, ErrorClass) => {
    // Act
    const error = new ErrorClass('m');

    // Assess
    expect(error.name).toBe(exported);
    expect(ErrorClass.name).toBe(exported);
    expect(String(error)).toBe(`${exported}: m`);
    expect(error.code).toMatch(/^[A-Z_]+$/);
  });

  it('names the errors outside the service vocabulary too', () => {
    expect(new ConfigurationError('m').name).toBe('ConfigurationError');
    expect(new OfflineKafkaError('TOPIC_MISSING', 'm').name).toBe('OfflineKafkaError');
  });
});
