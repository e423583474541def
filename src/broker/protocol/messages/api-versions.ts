/** ApiVersions (key 18): what each API's supported version range is. */
import { api, t } from '../schema.js';

export const ApiVersions = api({
  key: 18,
  name: 'ApiVersions',
  min: 0,
  max: 3,
  firstFlexible: 3,
  request: t.struct({
    clientSoftwareName: t.string('3+'),
    clientSoftwareVersion: t.string('3+'),
  }),
  response: t.struct({
    errorCode: t.int16(),
    apiKeys: t.array(t.struct({ apiKey: t.int16(), minVersion: t.int16(), maxVersion: t.int16() })),
    throttleTimeMs: t.int32('1+'),
  }),
});
