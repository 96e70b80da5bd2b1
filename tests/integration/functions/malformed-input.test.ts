import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import getName from '../../../events/samples/apigateway/http-api-get-hello-name.json';
import { handlerHarness } from '../../support/handler-harness';
import { malformedEvents } from '../../support/malformed-events';

// Bad input, as docs/operations.md "Bad input" says: every malformed event is a structured
// error log, a MalformedEvents metric and a dead letter with its reason, never a crash; the API
// answers any request with JSON, never 5xx. The functions run as deployed (handler-harness).
const { aws, run } = handlerHarness();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));

const corpus = malformedEvents();

describe('a corpus of malformed events', () => {
  it('has at least 200 of them', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
  });

  it.each(corpus.map((entry) => [entry.name, entry] as const))('%s: dead-lettered with its reason, logged and counted', async (_, { fn, event }) => {
    const { result, lines } = await run(fn, event);
    expect(result).toEqual({ deadLettered: true, reason: expect.any(String) });
    const { reason } = result as { reason: string };
    expect(reason.length).toBeGreaterThan(0);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'malformed event: dead-lettered', reason }));
    expect(lines).toContainEqual(expect.objectContaining({ MalformedEvents: 1 }));
    const letters = aws.sqs.commandCalls(SendMessageCommand);
    expect(letters).toHaveLength(1);
    const body = JSON.parse(letters[0]!.args[0].input.MessageBody!) as { reason: string; event?: unknown; truncatedEvent?: string };
    expect(body.reason).toBe(reason);
    if (body.truncatedEvent === undefined) expect(body.event).toEqual(event);
    else expect(JSON.stringify(event).startsWith(body.truncatedEvent)).toBe(true);
  });

  it('left no promise rejected unhandled', () => {
    expect(unhandled).toEqual([]);
  });
});

// A seeded generator, so a failure names a request that fails again.
function* requests(count: number, seed = 20261125): Generator<string> {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pieces = ['%', '%ZZ', '%E0%A4%A', '%00', '%2F', '..', '/', '\\', '%F0%9F%98%80', 'é', '\u202e', '\ud800', '<script>', "'", '"', ' ', '%20', '\n', 'mincloud', '💥', 'a'.repeat(70), '%25', '+', '?x=1', '#'];
  for (let i = 0; i < count; i += 1) {
    const length = 1 + Math.floor(next() * 6);
    yield Array.from({ length }, () => (next() < 0.2 ? String.fromCharCode(Math.floor(next() * 0xffff)) : pieces[Math.floor(next() * pieces.length)]!)).join('');
  }
  yield 'x'.repeat(100_000);
}

describe('fuzzed requests to the API', () => {
  it.each([...requests(250)].map((name, i) => [i, name] as const))('request %i answers JSON, never 5xx', async (_, name) => {
    const event = { ...getName, rawPath: `/hello/${name}`, pathParameters: { name } } as APIGatewayProxyEventV2;
    const { result } = await run('hello', event);
    const response = result as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBeLessThan(500);
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(() => JSON.parse(response.body ?? '')).not.toThrow();
  });

  it('answers a request without path parameters or a malformed one with JSON too', async () => {
    for (const event of [{ ...getName, pathParameters: undefined }, { ...getName, pathParameters: { name: undefined } }, { ...getName, pathParameters: { name: '' } }]) {
      const { result } = await run('hello', event);
      expect((result as APIGatewayProxyStructuredResultV2).statusCode).toBeLessThan(500);
    }
  });
});
