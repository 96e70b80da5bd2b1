import pRetry, { AbortError } from 'p-retry';
import { SlackRefused, type SlackCallOptions } from '../ports';

// Bounded: a Slack that is down for longer is Lambda's retry's business, then the dead letters'.
export const SLACK_RETRIES = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 };
/** How long one Slack call may take; RC_SLACK_TIMEOUT_MS shortens it where a test makes Slack hang. */
const callTimeout = () => Number(process.env.RC_SLACK_TIMEOUT_MS ?? 5_000);
// https://docs.slack.dev/apis/web-api/#responses: errors a retry can get past; any other is final
const TRANSIENT_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** A failure whose outcome is unknown: the call may have taken effect. */
class NoAnswer extends Error {
  override name = 'NoAnswer';
}

/**
 * One HTTP call to Slack within the deadline: 429 waits out Retry-After when it ends before the
 * deadline, 5xx and transient errors are retried, anything else Slack refuses is final.
 * `beforeRetry` runs before an attempt that follows one without an answer.
 */
export async function callSlack<T>(
  attempt: (signal: AbortSignal) => Promise<Response>,
  read: (response: Response) => Promise<T>,
  { deadline }: SlackCallOptions,
  beforeRetry?: () => Promise<T | undefined>,
): Promise<T> {
  let unanswered = false;
  return pRetry(async () => {
    if (unanswered && beforeRetry) {
      const found = await beforeRetry();
      if (found !== undefined) return found;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new AbortError('Slack did not answer before the invocation\'s deadline');
    let response: Response;
    try {
      response = await attempt(AbortSignal.timeout(Math.min(callTimeout(), left)));
    } catch (error) {
      unanswered = true;
      throw new NoAnswer(`Slack did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    unanswered = false;
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after') ?? 1) * 1000;
      if (Date.now() + retryAfter >= deadline) throw new AbortError(`Slack is rate limiting for ${retryAfter / 1000}s, past this invocation's deadline`);
      await new Promise((resolve) => setTimeout(resolve, retryAfter));
      throw new Error(`Slack rate limited for ${retryAfter / 1000}s`);
    }
    if (response.status >= 500) throw new Error(`Slack answered ${response.status}`);
    try {
      return await read(response);
    } catch (error) {
      // final: p-retry gives up and rejects with the SlackRefused itself
      throw error instanceof SlackRefused ? new AbortError(error) : error;
    }
  }, { ...SLACK_RETRIES, maxRetryTime: Math.max(0, deadline - Date.now()) });
}

export interface WebApiAnswer {
  ok: boolean;
  error?: string;
  channel?: string;
  ts?: string;
  channels?: { id: string; name: string }[];
  messages?: { ts: string; metadata?: { event_type: string; event_payload?: { key?: string } } }[];
  users?: string[];
  response_metadata?: { next_cursor?: string };
}

export async function webApiAnswer(method: string, response: Response): Promise<WebApiAnswer> {
  if (!response.ok) throw new SlackRefused(`Slack's ${method} answered ${response.status}`);
  const answer = (await response.json()) as WebApiAnswer;
  if (answer.ok) return answer;
  if (TRANSIENT_ERRORS.has(answer.error ?? '')) throw new Error(`Slack's ${method} answered ${answer.error}`);
  throw new SlackRefused(`Slack's ${method} answered ${answer.error ?? 'an error'}`);
}


export type WebApiCall = (method: string, args: Record<string, unknown>, options: SlackCallOptions, beforeRetry?: () => Promise<WebApiAnswer | undefined>) => Promise<WebApiAnswer>;

/** Slack's Web API with a bot token: form arguments (which every method takes), objects as JSON. */
export function webApi(token: () => Promise<string>, slackApiUrl = 'https://slack.com/api/'): WebApiCall {
  return async (method, args, options, beforeRetry) => {
    const authorization = `Bearer ${await token()}`;
    return callSlack(
      (signal) =>
        fetch(`${slackApiUrl}${method}`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(Object.entries(args).flatMap(([name, value]): [string, string][] => (value === undefined ? [] : [[name, typeof value === 'string' ? value : JSON.stringify(value)]]))),
          signal,
        }),
      (response) => webApiAnswer(method, response),
      options,
      beforeRetry,
    );
  };
}
