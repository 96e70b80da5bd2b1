import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { putEvents } from '../infra/local/event-bus-client';
import type { LocalStack } from '../infra/local/stack';
import { entryFromEvent, readEvents } from './replay';
import { interactionBody, signedHeaders } from '../infra/local/slack-click';
import { slackMessageAsText } from '../infra/local/slack-message-text';

const SAMPLES = join(__dirname, '..', 'events', 'samples');

/**
 * The demo's approval: CodePipeline says a manual approval waits in the execution, the card offers
 * Approve, and someone the policy names presses it, signed as Slack signs it; the answer only they
 * see, and the card saying who approved.
 */
export async function approveFromSlack(stack: LocalStack, tell: () => Promise<void>, title: string, executionId: string = randomUUID()): Promise<void> {
  const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);
  process.stdout.write(`\n${bold(title)}\n`);
  const [waiting] = readEvents(join(SAMPLES, 'codepipeline/action-started.json'));
  const detail = { ...(waiting!.detail as Record<string, unknown>), 'execution-id': executionId, stage: 'Approve', action: 'Manual', type: { owner: 'AWS', category: 'Approval', provider: 'Manual', version: '1' } };
  await putEvents(stack.eventBridgeUrl, [entryFromEvent({ ...waiting!, detail, time: new Date().toISOString() })]);
  await tell();

  const id = randomUUID();
  const body = interactionBody({ action: 'approve', value: { pipeline: 'MyFirstPipeline', executionId, stage: 'Approve', action: 'Manual' }, user: 'U0LOCALDEV', userName: 'dev', responseUrl: stack.slack.responseUrl(id) });
  process.stdout.write(`    $ npm run slack -- click approve --execution ${executionId} --stage Approve --action Manual --user U0LOCALDEV\n`);
  const response = await fetch(`${stack.httpUrl}/slack/interactions`, { method: 'POST', headers: signedHeaders(stack.signingSecret, body), body });
  process.stdout.write(`    POST /slack/interactions (signed with the local signing secret): ${response.status}\n`);
  for (let waited = 0; waited < 15_000; waited += 200) {
    const answer = stack.slack.responses().find((candidate) => candidate.id === id);
    if (answer) {
      process.stdout.write(`    Slack, only to the person who pressed: ${answer.text}\n`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await tell();
  const card = stack.slack.calls().filter((call) => JSON.stringify(call.blocks ?? []).includes(executionId)).at(-1);
  if (card) process.stdout.write(`    The card now, in full:\n${slackMessageAsText(card.blocks).replace(/^/gm, '      │ ')}\n`);
}
