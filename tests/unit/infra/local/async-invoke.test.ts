import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invokeAsync, retryDelays } from '../../../../infra/local/async-invoke.cjs';

// The local stack's Lambda, as SNS and EventBridge invoke it: a function instance per invocation
// in flight, like serverless-offline's pool, and a handler the test controls.
function pool(handle: (event: unknown) => Promise<void>) {
  let inFlight = 0;
  const seen = { most: 0, runs: [] as { event: unknown; at: number }[] };
  const lambda = {
    get: () => {
      let event: unknown;
      return {
        functionName: 'release-conductor-local-notify-slack',
        setEvent: (next: unknown) => void (event = next),
        runHandler: async () => {
          seen.runs.push({ event, at: Date.now() });
          seen.most = Math.max(seen.most, (inFlight += 1));
          try {
            await handle(event);
          } finally {
            inFlight -= 1;
          }
        },
      };
    },
  };
  return { lambda, seen };
}

describe('the local stack invokes functions as Lambda invokes them asynchronously', () => {
  afterEach(() => {
    delete process.env.RC_LOCAL_RETRY_DELAYS_MS;
    delete process.env.RC_LOCAL_DIR;
  });

  it('runs every delivery at once, not one after another', async () => {
    const { lambda, seen } = pool(() => new Promise((resolve) => setTimeout(resolve, 50)));
    await Promise.all(['a', 'b', 'c'].map((event) => invokeAsync(lambda, 'notify-slack', event, () => undefined)));
    expect(seen.most).toBe(3);
  });

  it("retries a failed invocation twice, a minute and then two minutes later by default, then hands it to the on-failure destination", async () => {
    expect(retryDelays()).toEqual([60_000, 120_000]);
    process.env.RC_LOCAL_RETRY_DELAYS_MS = '100,200';
    process.env.RC_LOCAL_DIR = mkdtempSync(join(tmpdir(), 'rc-async-'));
    const { lambda, seen } = pool(async () => {
      throw new Error('Slack answered 500');
    });
    const gaveUp = jest.fn();
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await invokeAsync(lambda, 'notify-slack', 'event', gaveUp);
    // a line for each attempt that will be retried, as Lambda logs a failed invocation: who waits for the retries can tell
    expect(logged.mock.calls.map(([line]) => line)).toEqual([
      'local Lambda: release-conductor-local-notify-slack attempt 1 failed (Slack answered 500); retrying in 100 ms',
      'local Lambda: release-conductor-local-notify-slack attempt 2 failed (Slack answered 500); retrying in 200 ms',
    ]);
    logged.mockRestore();
    const [first, second, third] = seen.runs.map(({ at }) => at);
    expect(seen.runs).toHaveLength(3);
    expect(second! - first!).toBeGreaterThanOrEqual(95);
    expect(third! - second!).toBeGreaterThanOrEqual(195);
    expect(gaveUp).toHaveBeenCalledWith(expect.objectContaining({ message: 'Slack answered 500' }), 3);
    const [record] = readFileSync(join(process.env.RC_LOCAL_DIR, 'dead-letters.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(record).toMatchObject({
      requestContext: { functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:release-conductor-local-notify-slack:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: 'event',
      responsePayload: { errorType: 'Error', errorMessage: 'Slack answered 500' },
    });
  });

  it('stops retrying once an attempt succeeds', async () => {
    process.env.RC_LOCAL_RETRY_DELAYS_MS = '10,10';
    let attempts = 0;
    const { lambda } = pool(async () => {
      if ((attempts += 1) === 1) throw new Error('DynamoDB throttled');
    });
    const gaveUp = jest.fn();
    await invokeAsync(lambda, 'on-push', 'event', gaveUp);
    expect(attempts).toBe(2);
    expect(gaveUp).not.toHaveBeenCalled();
  });
});
