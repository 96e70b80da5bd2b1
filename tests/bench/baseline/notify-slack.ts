// BASELINE (benchmark only): notify-slack by hand: one Slack message per pipeline execution, posted then updated.
import policy from '../../../release-policy.yml';
import { call, getItem, log, once, putItem } from './aws';

type Notification = { id: string; kind: string; team: string; result: string; pipeline?: { name: string; executionId: string; stage?: string } };
type SnsEvent = { Records?: { Sns?: { Message?: string } }[] };

let token: Promise<string> | undefined;
// as notify-slack reads it: from the Parameters and Secrets extension on localhost
const botToken = () =>
  (token ??= fetch(`http://localhost:${process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}/systemsmanager/parameters/get?name=${encodeURIComponent(process.env.SLACK_BOT_TOKEN_PARAMETER ?? '')}&withDecryption=true`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
  })
    .then((response) => response.json() as Promise<{ Parameter: { Value: string } }>)
    .then(({ Parameter }) => Parameter.Value));

async function slack(method: string, body: object): Promise<{ ok: boolean; channel?: string; ts?: string; error?: string }> {
  const response = await fetch(`${process.env.SLACK_API_URL}${method}`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${await botToken()}` }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { ok: boolean; channel?: string; ts?: string; error?: string };
  if (!answer.ok) throw new Error(`Slack ${method}: ${answer.error}`);
  return answer;
}

export const handler = async (event: SnsEvent) => {
  const notification = JSON.parse(event.Records?.[0]?.Sns?.Message ?? '{}') as Notification;
  return once('notify-slack', notification.id, () => handle(notification));
};

async function handle(notification: Notification): Promise<unknown> {
  const channel = policy.teams[notification.team]?.slack?.channel;
  if (!channel) return log('INFO', 'no channel', { team: notification.team });
  const key = `CARD#${notification.pipeline?.executionId ?? notification.id}`;
  const text = `${notification.pipeline?.name ?? notification.kind}: ${notification.result}`;
  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  const card = await getItem(key, 'SLACK');
  if (card) {
    await slack('chat.update', { channel: card.channel, ts: card.ts, text, blocks });
    return log('INFO', 'slack delivery', { outcome: 'updated' });
  }
  const posted = await slack('chat.postMessage', { channel, text, blocks });
  await putItem({ pk: key, sk: 'SLACK', channel: posted.channel, ts: posted.ts });
  return log('INFO', 'slack delivery', { outcome: 'posted' });
}
