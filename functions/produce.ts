/** `POST /v1/topics/{topic}/records`: produce records over HTTP. */
import { produceService } from '../src/shared/container.js';
import { createProduceHandler } from '../src/shared/produce/http.js';

export const handler = createProduceHandler(produceService());
