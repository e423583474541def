/**
 * The SASL/OAUTHBEARER token of MSK IAM authentication: a SigV4-presigned `GET
 * https://kafka.<region>.amazonaws.com/?Action=kafka-cluster:Connect` for the service `kafka-cluster`, valid
 * 15 minutes (less when the credentials expire sooner), with a `User-Agent` query parameter, as URL-safe
 * base64 without padding. This is the token aws-msk-iam-sasl-signer-js makes; the unit test compares the two
 * byte for byte. It is written here, on the SDK's own signer and credential chain, because that library pulls
 * the whole STS client and every credential provider into each bundle (about 33 KB of every zip; measurements
 * in docs/deploy.md, "Bundles").
 */
import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** What aws-msk-iam-sasl-signer-js 1.0.3 sends, so MSK's logs count our clients as its. */
const USER_AGENT = 'aws-msk-iam-sasl-signer-js/1.0.3';
const EXPIRY_SECONDS = 900;

/**
 * A token for `region`, signed with `credentials` (the SDK's default chain when absent: in Lambda, the
 * execution role's credentials from the environment). Throws the credential provider's error.
 */
export async function mskIamToken(
  region: string,
  credentials: AwsCredentialIdentityProvider = defaultProvider(),
): Promise<string> {
  const identity: AwsCredentialIdentity = await credentials();
  const hostname = `kafka.${region}.amazonaws.com`;
  const signer = new SignatureV4({
    service: 'kafka-cluster',
    region,
    credentials: identity,
    sha256: Sha256,
    applyChecksum: false,
  });
  const expiresIn =
    identity.expiration === undefined
      ? EXPIRY_SECONDS
      : Math.min((identity.expiration.getTime() - Date.now()) / 1000, EXPIRY_SECONDS);
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https',
      hostname,
      path: '/',
      headers: { host: hostname },
      query: { Action: 'kafka-cluster:Connect' },
    },
    { expiresIn },
  );
  signed.query = { ...signed.query, 'User-Agent': USER_AGENT };
  return Buffer.from(formatUrl(signed), 'utf8').toString('base64url');
}
