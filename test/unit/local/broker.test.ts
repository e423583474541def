import { describe, expect, it } from 'vitest';
import { localBrokerKind } from '../../../infra/local/broker.js';

describe('localBrokerKind (LOCAL_BROKER)', () => {
  it('is the embedded broker when unset or empty', () => {
    expect(localBrokerKind({})).toBe('embedded');
    expect(localBrokerKind({ LOCAL_BROKER: ' ' })).toBe('embedded');
  });

  it('takes embedded and apache-kafka', () => {
    expect(localBrokerKind({ LOCAL_BROKER: 'embedded' })).toBe('embedded');
    expect(localBrokerKind({ LOCAL_BROKER: ' apache-kafka ' })).toBe('apache-kafka');
  });

  it('refuses anything else, naming the variable and the choices', () => {
    expect(() => localBrokerKind({ LOCAL_BROKER: 'kafka' })).toThrow(
      "LOCAL_BROKER must be one of embedded, apache-kafka; got 'kafka'",
    );
  });
});
