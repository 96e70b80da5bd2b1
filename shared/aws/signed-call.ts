import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { sign } from 'aws4';
import pRetry, { AbortError } from 'p-retry';
import { awsCallLimits } from './client-config';
import { post, type Answer } from './http-post';

/**
 * One AWS API call as HTTP: signed with Signature Version 4 (`aws4`), retried and timed as
 * client-config.ts says. For the plain calls the event functions make (DynamoDB's
 * items, SNS's Publish, SQS's SendMessage, CodeCommit's, CodePipeline's and CodeDeploy's reads and
 * starts, STS's AssumeRole), where an SDK client costs more to load and to run than the call
 * itself (docs/benchmarks.md, "Round 4").
 */
export interface AwsServiceOptions {
  /** As AWS signs it and names its endpoint: `dynamodb`, `sns`. */
  service: string;
  region?: string;
  /** By default AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else the service's regional endpoint. */
  endpoint?: string;
  /** By default the function's role, from the environment as Lambda gives it. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Where on the endpoint an operation of a REST protocol lives (Lambda's Invoke); by default the endpoint's own path. */
  path?: string;
}

/** What AWS answered instead of a result: its error code (`ConditionalCheckFailedException`) and message. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

/** A call without an answer: the service was not reached, or did not answer in time. */
export class NoAnswer extends Error {
  override name = 'NoAnswer';
}

// The SDK's standard retry mode retries these as well as every 5xx and a call without an answer:
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'LimitExceededException',
]);
const retryable = (error: AwsError) => error.status >= 500 || error.status === 429 || THROTTLING.has(error.code);

export const isAwsError = (error: unknown, code: string): error is AwsError => error instanceof AwsError && error.code === code;

/**
 * The function's role as Lambda gives it, in the environment: read at the first call and kept, as
 * the SDK's provider chain keeps credentials without an expiry (Lambda sets them once per
 * container; process.env is slow to read: at every call it cost a twentieth of the signing).
 */
function environmentCredentials(): AwsCredentialIdentityProvider {
  let kept: AwsCredentialIdentity | undefined;
  return async () => {
    if (kept) return kept;
    const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
    if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: Lambda sets them for the function\'s role');
    return (kept = { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) });
  };
}

const dnsSuffix = (region: string) => (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');

function endpointOf(service: string, region: string): URL {
  const configured = process.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ?? process.env.AWS_ENDPOINT_URL;
  return new URL(configured ?? `https://${service}.${region}.${dnsSuffix(region)}`);
}

/** A signed POST to the service's endpoint, with client-config.ts's attempts and time limit. */
export function awsService({ service, region = process.env.AWS_REGION ?? 'us-east-1', endpoint, credentials = environmentCredentials(), path }: AwsServiceOptions) {
  const base = endpoint ? new URL(endpoint) : endpointOf(service, region);
  const url = path ? new URL(path, base) : base;
  const credentialsNow = typeof credentials === 'function' ? credentials : () => Promise.resolve(credentials);
  const { maxAttempts, requestTimeoutMs } = awsCallLimits();

  const attempt = async (headers: Record<string, string>, body: string) => {
    // missing credentials are not a fault a retry gets past (an assumed role's provider retries its own call)
    const { accessKeyId, secretAccessKey, sessionToken } = await credentialsNow().catch((error: Error) => {
      throw new AbortError(error);
    });
    const request = sign({ service, region, method: 'POST', host: url.host, path: url.pathname, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, body }, { accessKeyId, secretAccessKey, sessionToken });
    try {
      return await post(url, request.headers as Record<string, string>, body, requestTimeoutMs);
    } catch (error) {
      throw new NoAnswer(`${service} at ${url.host} did not answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };

  /** Sends the call; `failure` reads AWS's error from an answer that is not a 2xx. */
  return async (headers: Record<string, string>, body: string, failure: (answer: Answer) => AwsError) => {
    const answer = await pRetry(
      async () => {
        const answer = await attempt(headers, body);
        if (answer.status < 300) return answer;
        const error = failure(answer);
        throw retryable(error) ? error : new AbortError(error);
      },
      { retries: maxAttempts - 1, factor: 2, minTimeout: 100, maxTimeout: 20_000, randomize: true },
    );
    return answer.text;
  };
}

/** One operation of a JSON-protocol service: its name (`GetCommit`) and input; its output as parsed JSON, timestamps as epoch seconds. */
export type AwsJsonCall = <Output>(operation: string, input: object) => Promise<Output>;

/**
 * The AWS JSON protocol (DynamoDB, CodeCommit, CodePipeline, CodeDeploy): the operation in `X-Amz-Target`, input and output as JSON.
 * https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */
export function awsJsonService(options: AwsServiceOptions & { targetPrefix: string; version: '1.0' | '1.1' }): AwsJsonCall {
  const send = awsService(options);
  const headers = { 'content-type': `application/x-amz-json-${options.version}` };
  return async <Output>(operation: string, input: object): Promise<Output> => {
    const text = await send({ ...headers, 'x-amz-target': `${options.targetPrefix}.${operation}` }, JSON.stringify(input), jsonError);
    return (text ? JSON.parse(text) : {}) as Output;
  };
}

/** AWS's error in a JSON answer: its type in `__type` or the `X-Amzn-ErrorType` header, with or without a namespace. */
export function jsonError({ status, headers, text }: Answer): AwsError {
  const body = parsed(text);
  const type = String(body.__type ?? headers['x-amzn-errortype'] ?? `HTTP ${status}`);
  return new AwsError(type.split('#').pop()!.split(':')[0]!, String(body.message ?? body.Message ?? text.slice(0, 200)), status);
}

function parsed(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The text of the first `<name>` element of an XML answer: AWS's query answers are flat enough for no parser. */
export const xmlText = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.replace(/&(lt|gt|amp|quot|apos);/g, (_, entity: string) => ENTITIES[entity]!);

/**
 * The AWS query protocol (SNS, STS): the action and its parameters as a form, the answer as XML.
 * https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 */
export function awsQueryService(options: AwsServiceOptions & { version: string }) {
  const send = awsService(options);
  return (action: string, parameters: Record<string, string>): Promise<string> =>
    send({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, new URLSearchParams({ Action: action, Version: options.version, ...parameters }).toString(), ({ status, text }) =>
      new AwsError(xmlText(text, 'Code') ?? `HTTP ${status}`, xmlText(text, 'Message') ?? text.slice(0, 200), status),
    );
}
