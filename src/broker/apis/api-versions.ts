/**
 * ApiVersions: every API this broker implements with the versions it implements, nothing more. A
 * request newer than v3 is answered by server.ts in the v0 layout with UNSUPPORTED_VERSION (KIP-511),
 * so the client retries with a version listed there.
 */
import { ErrorCode } from '../protocol/errors.js';
import { ApiVersions } from '../protocol/messages/api-versions.js';
import { handler } from './handler.js';

/** KIP-511's rule for client software names and versions. */
const SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export function apiVersionsHandler(
  supported: () => { apiKey: number; minVersion: number; maxVersion: number }[],
) {
  return handler(ApiVersions, (request, { version }) => {
    if (
      version >= 3 &&
      (!SOFTWARE.test(request.clientSoftwareName) || !SOFTWARE.test(request.clientSoftwareVersion))
    ) {
      return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 };
    }
    return { errorCode: ErrorCode.NONE, apiKeys: supported(), throttleTimeMs: 0 };
  });
}
