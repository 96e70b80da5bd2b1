import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handle, type SlackInteractionsDeps } from '../../../../functions/slack-interactions/handle';
import { SlackRefused } from '../../../../shared/ports';
import type { Click } from '../../../../shared/slack-actions';
import { interactionBody, signedHeaders, viewSubmissionBody } from '../../../../infra/local/slack-click';
import { memoryClicks } from '../../../support/fakes';

const SECRET = 'unit-test-signing-secret';
const NOW = new Date('2026-11-30T12:00:00Z');
const value = { pipeline: 'MyFirstPipeline', executionId: 'c53dbd42-d7b4-4e5f-8a8e-9d0a4cbb2d4c', stage: 'Approval', action: 'ManualApproval' };

// API Gateway HTTP API, payload 2.0 (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html)
const eventOf = (body: string, headers: Record<string, string>, isBase64Encoded = false): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /slack/interactions',
    rawPath: '/slack/interactions',
    rawQueryString: '',
    headers,
    requestContext: { http: { method: 'POST', path: '/slack/interactions' } },
    body: isBase64Encoded ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded,
  }) as unknown as APIGatewayProxyEventV2;

function setUp() {
  const dispatched: Click[] = [];
  const opened: { triggerId: string; view: object }[] = [];
  const ports: SlackInteractionsDeps = {
    signingSecret: async () => SECRET,
    clicks: memoryClicks(),
    acting: { dispatch: async (click) => void dispatched.push(click) },
    modals: { open: async (triggerId, view) => void opened.push({ triggerId, view }) },
    now: () => NOW,
  };
  return { ports, dispatched, opened };
}

describe('POST /slack/interactions', () => {
  const body = interactionBody({ action: 'approve', value, user: 'U0ANA', userName: 'ana', responseUrl: 'https://hooks.slack.com/actions/T0/1/x', actionTs: '1764504000.123456' });
  const headers = signedHeaders(SECRET, body, NOW.getTime() / 1000);

  it('hands a signed press on, with its target and who pressed, nothing else', async () => {
    const { ports, dispatched } = setUp();
    expect(await handle(eventOf(body, headers), ports)).toMatchObject({ statusCode: 200 });
    expect(dispatched).toEqual([{ id: '1764504000.123456-U0ANA-approve', action: 'approve', target: value, user: { id: 'U0ANA', name: 'ana' }, responseUrl: 'https://hooks.slack.com/actions/T0/1/x', at: NOW.toISOString() }]);
  });

  it('checks the signature over the body API Gateway base64-encoded, as received', async () => {
    const { ports, dispatched } = setUp();
    expect(await handle(eventOf(body, headers, true), ports)).toMatchObject({ statusCode: 200 });
    expect(dispatched).toHaveLength(1);
  });

  it('hands the same press on once, however often it comes', async () => {
    const { ports, dispatched } = setUp();
    await handle(eventOf(body, headers), ports);
    await handle(eventOf(body, { ...headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }), ports);
    expect(dispatched).toHaveLength(1);
  });

  it('refuses a body changed after signing with 401, and hands nothing on', async () => {
    const { ports, dispatched } = setUp();
    await expect(handle(eventOf(body.replace('U0ANA', 'U0EVE'), headers), ports)).rejects.toMatchObject({ statusCode: 401, code: 'InvalidSignature' });
    expect(dispatched).toEqual([]);
  });

  it('opens the modal to decide with a comment, the target and channel in its private_metadata, and acts on nothing yet', async () => {
    const { ports, dispatched, opened } = setUp();
    const pressed = interactionBody({ action: 'rc:decide', value, user: 'U0ANA', responseUrl: 'https://hooks.slack.com/actions/T0/1/x' });
    expect(await handle(eventOf(pressed, signedHeaders(SECRET, pressed, NOW.getTime() / 1000)), ports)).toMatchObject({ statusCode: 200 });
    expect(dispatched).toEqual([]);
    expect(opened).toEqual([{ triggerId: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]{32}$/), view: expect.objectContaining({ type: 'modal', callback_id: 'rc:decide', private_metadata: JSON.stringify({ target: value, channel: 'C00000001' }) }) }]);
  });

  it('answers 409 when Slack will not open the modal (the trigger expired), for the person to press again', async () => {
    const { ports } = setUp();
    ports.modals = { open: async () => Promise.reject(new SlackRefused("Slack's views.open answered expired_trigger_id")) };
    const pressed = interactionBody({ action: 'rc:decide', value, user: 'U0ANA', responseUrl: 'https://hooks.slack.com/actions/T0/1/x' });
    await expect(handle(eventOf(pressed, signedHeaders(SECRET, pressed, NOW.getTime() / 1000)), ports)).rejects.toMatchObject({ statusCode: 409, code: 'ModalNotOpened' });
  });

  it("hands the modal's submission on as a press with its comment, once", async () => {
    const { ports, dispatched } = setUp();
    const submitted = viewSubmissionBody({ viewId: 'V0MODAL01', privateMetadata: JSON.stringify({ target: value, channel: 'C00000001' }), decision: 'reject', comment: ' breaks login ', user: 'U0ANA' });
    const signed = eventOf(submitted, signedHeaders(SECRET, submitted, NOW.getTime() / 1000));
    await handle(signed, ports);
    await handle(signed, ports);
    expect(dispatched).toEqual([{ id: 'V0MODAL01-U0ANA-reject', action: 'reject', target: value, user: { id: 'U0ANA', name: 'u0ana' }, channel: 'C00000001', comment: 'breaks login', at: NOW.toISOString() }]);
  });

  it('refuses a submission whose private_metadata names no approval', async () => {
    const { ports, dispatched } = setUp();
    const submitted = viewSubmissionBody({ viewId: 'V0MODAL02', privateMetadata: JSON.stringify({ target: { ...value, action: undefined } }), decision: 'approve', user: 'U0ANA' });
    await expect(handle(eventOf(submitted, signedHeaders(SECRET, submitted, NOW.getTime() / 1000)), ports)).rejects.toMatchObject({ statusCode: 400, code: 'MalformedInteraction' });
    expect(dispatched).toEqual([]);
  });
});
