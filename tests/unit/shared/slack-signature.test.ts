import { checkSlackSignature, slackSignature } from '../../../shared/slack-signature';

// Slack's worked example (https://docs.slack.dev/authentication/verifying-requests-from-slack)
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY = Buffer.from('token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c');
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('checkSlackSignature', () => {
  const now = Number(TIMESTAMP) + 10;

  it("computes Slack's own example signature", () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
  });

  it('accepts the request Slack signed within five minutes, either way', () => {
    expect(checkSlackSignature({ timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY }, SECRET, now)).toEqual({ valid: true });
    expect(checkSlackSignature({ timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY }, SECRET, Number(TIMESTAMP) - 300)).toEqual({ valid: true });
  });

  it.each([
    ['a stale timestamp', { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY }, SECRET, Number(TIMESTAMP) + 301, 'the request was signed more than five minutes from now'],
    ['a future timestamp', { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY }, SECRET, Number(TIMESTAMP) - 301, 'the request was signed more than five minutes from now'],
    ['a tampered body', { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: Buffer.concat([BODY, Buffer.from('&x=1')]) }, SECRET, now, 'the signature does not match'],
    ['a wrong secret', { timestamp: TIMESTAMP, signature: SIGNATURE, rawBody: BODY }, `${SECRET}0`, now, 'the signature does not match'],
    ['a signature for another time', { timestamp: String(Number(TIMESTAMP) + 1), signature: SIGNATURE, rawBody: BODY }, SECRET, now, 'the signature does not match'],
    ['no signature', { timestamp: TIMESTAMP, rawBody: BODY }, SECRET, now, 'the X-Slack-Request-Timestamp and X-Slack-Signature headers are required'],
    ['no timestamp', { signature: SIGNATURE, rawBody: BODY }, SECRET, now, 'the X-Slack-Request-Timestamp and X-Slack-Signature headers are required'],
    ['a timestamp that is not seconds', { timestamp: '1531420618.5', signature: SIGNATURE, rawBody: BODY }, SECRET, now, 'X-Slack-Request-Timestamp is not a time in seconds'],
    ['a v1 signature', { timestamp: TIMESTAMP, signature: SIGNATURE.replace('v0=', 'v1='), rawBody: BODY }, SECRET, now, 'X-Slack-Signature is not a v0 signature'],
    ['a short signature', { timestamp: TIMESTAMP, signature: SIGNATURE.slice(0, -2), rawBody: BODY }, SECRET, now, 'X-Slack-Signature is not a v0 signature'],
  ])('refuses %s', (_, request, secret, at, reason) => {
    expect(checkSlackSignature(request, secret, at)).toEqual({ valid: false, reason });
  });
});
