import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../../src/shared/logs/redact.js';

describe('redaction', () => {
  it.each([
    ['Authorization: Bearer eyJhbGciOi.J9eyJzdWIi.OiIxMjM0', 'Authorization: Bearer [REDACTED]'],
    ['login user=ada password=hunter2 ok', 'login user=ada password=[REDACTED] ok'],
    ['db_password: "s3cr et" next', 'db_password: "[REDACTED]" next'],
    ['{"user":"ada","password":"hun\\"ter2","n":1}', '{"user":"ada","password":"[REDACTED]","n":1}'],
    ['GET /cb?code=1&access_token=abc123&x=2', 'GET /cb?code=1&access_token=[REDACTED]&x=2'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key [REDACTED] used'],
    ['aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key=[REDACTED]'],
    ['postgres://app:pa55@db:5432/x', 'postgres://app:[REDACTED]@db:5432/x'],
    ['paid with 4111 1111 1111 1111 today', 'paid with [REDACTED] today'],
    ['card 5500-0000-0000-0004.', 'card [REDACTED].'],
  ])('redacts %s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each(['at 1767323045000 ms', 'order 4111111111111112 (fails Luhn)', 'trace id 1234567890123456789'])(
    'leaves numbers that are not card-like alone: %s',
    (input) => {
      expect(redactText(input)).toBe(input);
    },
  );

  it('replaces fields named like secrets whole, and redacts strings everywhere else', () => {
    expect(
      redactValue({
        password: 'x',
        nested: { apiKey: 12345, list: ['Bearer abc.def', 'fine'] },
        clientSecret: null,
        user: 'ada',
      }),
    ).toEqual({
      password: '[REDACTED]',
      nested: { apiKey: '[REDACTED]', list: ['Bearer [REDACTED]', 'fine'] },
      clientSecret: null,
      user: 'ada',
    });
  });
});
