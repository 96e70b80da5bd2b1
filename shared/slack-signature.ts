import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` with the app's signing
 * secret. The body must be the bytes Slack sent: any parse and re-encode breaks the signature.
 */
export const SIGNATURE_WINDOW_SECONDS = 300;

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/** Whether the request is Slack's, signed within five minutes of `nowSeconds` either way; compared in constant time. */
export function checkSlackSignature(request: { timestamp?: string; signature?: string; rawBody: Buffer }, secret: string, nowSeconds: number): SignatureCheck {
  const { timestamp, signature, rawBody } = request;
  if (timestamp === undefined || signature === undefined) return { valid: false, reason: 'the X-Slack-Request-Timestamp and X-Slack-Signature headers are required' };
  if (!TIMESTAMP.test(timestamp)) return { valid: false, reason: 'X-Slack-Request-Timestamp is not a time in seconds' };
  if (!SIGNATURE.test(signature)) return { valid: false, reason: 'X-Slack-Signature is not a v0 signature' };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return { valid: false, reason: 'the request was signed more than five minutes from now' };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  // both are v0= and 64 hex digits here, so the lengths match and the comparison leaks nothing
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'the signature does not match' };
  return { valid: true };
}
