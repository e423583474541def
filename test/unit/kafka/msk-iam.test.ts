import { generateAuthTokenFromCredentialsProvider } from 'aws-msk-iam-sasl-signer-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mskIamToken } from '../../../src/shared/kafka/msk-iam.js';

/** AWS's own signer library is the oracle: the same credentials at the same instant give the same token. */
describe('mskIamToken', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-04T05:06:07.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['long-lived credentials', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }],
    [
      'session credentials expiring in 10 minutes (a shorter token)',
      {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'secret',
        sessionToken: 'session/token+with=characters',
        expiration: new Date('2026-03-04T05:16:07.000Z'),
      },
    ],
  ])('is the token aws-msk-iam-sasl-signer-js makes, with %s', async (_, identity) => {
    // Prepare
    const provider = async () => identity;

    // Act
    const ours = await mskIamToken('eu-west-1', provider);
    const theirs = await generateAuthTokenFromCredentialsProvider({
      region: 'eu-west-1',
      awsCredentialsProvider: provider,
    });

    // Assess
    expect(ours).toBe(theirs.token);
    const url = new URL(Buffer.from(ours, 'base64url').toString('utf8'));
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(ours).not.toMatch(/[=+/]/);
  });
});
