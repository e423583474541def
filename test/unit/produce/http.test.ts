import { describe, expect, it } from 'vitest';
import { loadProduceConfig } from '../../../src/shared/produce/config.js';
import { createProduceHandler } from '../../../src/shared/produce/http.js';
import { ProduceService } from '../../../src/shared/produce/service.js';
import { httpEvent, lambdaContext } from '../../support/http-events.js';
import { memoryWriter } from '../../support/kafka-events.js';

describe('produce handler', () => {
  it('writes json values exactly as the request body has them', async () => {
    // Prepare
    const { writer, written } = memoryWriter();
    const handler = createProduceHandler(new ProduceService(writer, loadProduceConfig({})));
    const value = '{ "price": 1.50, "id": 12345678901234567890, "name": "\\u00e9" }';

    // Act
    const response = await handler(
      httpEvent({
        method: 'POST',
        path: '/v1/topics/events/records',
        pathParameters: { topic: 'events' },
        rawBody: `{ "records": [ { "value": ${value} } ] }`,
      }),
      lambdaContext(),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(written.map((record) => record.value?.toString())).toEqual([value]);
  });
});
