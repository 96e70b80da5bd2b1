/**
 * From PutEvents to Slack on the local stack (infra/local/stack.ts): a release's six events, each
 * its own PutEvents entry sent at once, and for each the time until the first Slack call that shows
 * it, cold (a fresh stack each sample) and warm. Called at the end of `npm run bench`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { putEvents } from '../../infra/local/event-bus-client';
import type { SlackCall } from '../../infra/local/slack';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';
import { entryFromEvent } from '../../scripts/replay';
import { sample } from '../support/samples';
import { summarize, type Summary } from './stats';

const COLD_RUNS = Number(process.env.BENCH_E2E_COLD_RUNS ?? 3);
const RELEASES = Number(process.env.BENCH_E2E_RELEASES ?? 20);
const SHOWN_WITHIN_MS = 60_000;
const PIPELINE = 'MyFirstPipeline';

type Event = { id: string; time: string; source: string; 'detail-type': string; detail: Record<string, unknown> };

/**
 * Whether a Slack call's message shows an event. notify-slack folds every notification recorded on
 * a card into one rendering, in whatever order they come (functions/notify-slack/card.ts), so an
 * event is shown by the first call (post or update) of its card whose rendering could only come
 * from a card that has folded it: each event of the release leaves a mark no other leaves.
 * A message's card is the key its post carries as metadata (shared/slack/bot.ts); an update names
 * the post's ts.
 */
type Shows = (call: SlackCall, card: string | undefined) => boolean;

interface Release {
  events: { name: string; event: Event; shows: Shows }[];
}

const minutesAfter = (start: number, minutes: number) => new Date(start + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const rendered = (call: SlackCall) => `${call.text ?? ''}${JSON.stringify(call.blocks ?? [])}`;
// the progress line is the stages, `icon name`, joined by arrows (card.ts progressLine)
const showsStage = (call: SlackCall, stage: string) =>
  (call.blocks ?? []).some((block) => block.type === 'context' && block.elements.some((element) => 'text' in element && element.text.split('  →  ').some((part) => part.endsWith(` ${stage}`))));

/** One execution's release, with ids of its own (`n`), so no release finds another's card. */
function release(n: string): Release {
  const start = Date.now();
  const executionId = `e2e-${n}`;
  const card = `EXECUTION#${PIPELINE}#${executionId}`;
  // as AWS makes them: a build's id ends in a UUID, a deployment's is d- and nine capitals or digits
  const buildId = `my-sample-project:${randomUUID()}`;
  const deploymentId = `d-${randomBytes(6).toString('hex').toUpperCase().slice(0, 9)}`;
  const pipelineEvent = (file: string, minutes: number, detail: Record<string, unknown> = {}) => {
    const event = sample<Event>(`codepipeline/${file}.json`);
    return { ...event, time: minutesAfter(start, minutes), detail: { ...event.detail, 'execution-id': executionId, ...detail } };
  };
  const build = sample<Event>('codebuild/build-succeeded.json');
  const deployment = sample<Event>('codedeploy/deployment-success.json');
  return {
    events: [
      // the start shows only as the execution's duration, which also needs its end: the upper bound of when it shows
      { name: 'pipeline started', event: pipelineEvent('pipeline-started', 0), shows: (call, key) => key === card && rendered(call).includes('*Duration*') },
      // the only event of stage Source; the action's stage is Prod (the sample's)
      { name: 'stage', event: pipelineEvent('stage-started', 1, { stage: 'Source' }), shows: (call, key) => key === card && showsStage(call, 'Source') },
      // started by no pipeline: the build is a card of its own
      { name: 'build', event: { ...build, time: minutesAfter(start, 2), detail: { ...build.detail, 'build-id': `arn:aws:codebuild:us-west-2:123456789012:build/${buildId}` } }, shows: (_, key) => key === `BUILD#${buildId}` },
      // the Deploy action names the deployment, which then joins the execution's card
      { name: 'action', event: pipelineEvent('action-succeeded', 3, { 'execution-result': { 'external-execution-id': deploymentId } }), shows: (call, key) => key === card && showsStage(call, 'Prod') },
      { name: 'deployment', event: { ...deployment, time: minutesAfter(start, 4), detail: { ...deployment.detail, deploymentId } }, shows: (call) => rendered(call).includes(`Deployment ${deploymentId} to`) },
      { name: 'pipeline succeeded', event: pipelineEvent('pipeline-succeeded', 5), shows: (call, key) => key === card && (call.text ?? '').includes(`${PIPELINE} ✅ Succeeded`) },
    ],
  };
}

/** Sends the release's events at once, each in its own PutEvents call; the ms from each call to the Slack call that shows its event. */
async function measure(stack: LocalStack, { events }: Release): Promise<number[]> {
  const calls = stack.slack.calls();
  const sentAt = await Promise.all(
    events.map(async ({ event }) => {
      const at = Date.now();
      await putEvents(stack.eventBridgeUrl, [entryFromEvent(event as never)]);
      return at;
    }),
  );
  const deadline = Date.now() + SHOWN_WITHIN_MS;
  for (;;) {
    const cardOf = new Map(calls.filter((call) => call.metadata).map((call) => [call.ts, String(call.metadata!.event_payload.key)]));
    const shownAt = events.map(({ shows }) => calls.find((call) => (call.method === 'chat.postMessage' || call.method === 'chat.update') && !call.thread_ts && shows(call, cardOf.get(call.ts)))?.receivedAt);
    if (shownAt.every((at) => at !== undefined)) return shownAt.map((at, i) => at - sentAt[i]!);
    if (Date.now() > deadline) throw new Error(`within ${SHOWN_WITHIN_MS} ms Slack showed no ${events.filter((_, i) => shownAt[i] === undefined).map(({ name }) => name).join(', ')}; see ${stack.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function withStack<T>(use: (stack: LocalStack) => Promise<T>): Promise<T> {
  const localDir = mkdtempSync(join(tmpdir(), 'rc-bench-e2e-'));
  const stack = await startLocalStack(localDir);
  try {
    const result = await use(stack);
    // kept when it failed: the error names its log
    rmSync(localDir, { recursive: true, force: true });
    return result;
  } finally {
    await stack.stop();
  }
}

export interface EndToEnd {
  cold: Summary;
  warm: Summary;
  coldRuns: number;
  releases: number;
}

/**
 * Cold: a fresh stack for each sample, its first release. Warm: after the last cold sample and a
 * release more to start a worker for each concurrent invocation, RELEASES releases one after another.
 */
export async function endToEnd(log: (line: string) => void): Promise<EndToEnd> {
  // pipeline starts recorded, never run: only the bench's events reach the functions; a failed invocation retries within seconds
  process.env.RC_LOCAL_PIPELINES = 'record';
  process.env.RC_LOCAL_RETRY_DELAYS_MS ??= '500,1000';
  const cold: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    log(`end to end: cold sample ${run + 1} of ${COLD_RUNS}${run === COLD_RUNS - 1 ? `, then ${RELEASES} warm releases` : ''}...\n`);
    await withStack(async (stack) => {
      cold.push(...(await measure(stack, release(`cold${run}`))));
      if (run < COLD_RUNS - 1) return;
      await measure(stack, release('warmup'));
      for (let n = 0; n < RELEASES; n++) warm.push(...(await measure(stack, release(`warm${n}`))));
    });
  }
  return { cold: summarize(cold), warm: summarize(warm), coldRuns: COLD_RUNS, releases: RELEASES };
}
