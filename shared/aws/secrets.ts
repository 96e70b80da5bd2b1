import pRetry from 'p-retry';
import { awsCallLimits } from './client-config';

// Kept here as long as the extension keeps it (SSM_PARAMETER_STORE_TTL, 300 s by default): a rotated
// token is in use within ten minutes.
const MAX_AGE_MS = 300_000;

/**
 * A SecureString from Parameter Store, through the AWS Parameters and Secrets Lambda Extension
 * (a layer, serverless.yml): one HTTP GET on localhost instead of the SSM client, which costs
 * notify-slack's cold start more than anything else it loads. Kept five minutes, never logged;
 * the call's attempts and time limit are every AWS client's. Locally, the Parameter Store stand-in
 * answers on PARAMETERS_SECRETS_EXTENSION_HTTP_PORT.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html
 */
export function secureString(name: string): () => Promise<string> {
  let cached: { value: string; until: number } | undefined;
  const { maxAttempts, requestTimeoutMs } = awsCallLimits();
  const read = async () => {
    const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
    const response = await fetch(`http://localhost:${port}/systemsmanager/parameters/get?name=${encodeURIComponent(name)}&withDecryption=true`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    if (!response.ok) throw new Error(`Parameter Store answered ${response.status} for ${name}: ${(await response.text()).slice(0, 200)}`);
    const { Parameter } = (await response.json()) as { Parameter?: { Value?: string } };
    if (!Parameter?.Value) throw new Error(`the parameter ${name} is empty`);
    return Parameter.Value;
  };
  return async () => {
    if (cached && cached.until > Date.now()) return cached.value;
    const value = await pRetry(read, { retries: maxAttempts - 1, minTimeout: 100, factor: 2 }).catch((error: Error) => {
      throw new Error(`could not read the parameter ${name}: ${error.message}`);
    });
    cached = { value, until: Date.now() + MAX_AGE_MS };
    return value;
  };
}
