/**
 * `npm run slack -- click <approve|reject|retry|rollback> --pipeline <name> --execution <id> --stage <name> [--action <approval action>] [--user <U...>]`:
 * presses a card's button as Slack would, against the local stack (`npm start`): the interaction
 * signed with the local signing secret (read from the local Parameter Store, as the function reads
 * it), posted to POST /slack/interactions, and the ephemeral answer printed.
 */
import { parseArgs } from 'node:util';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_PORTS, LOCAL_CREDENTIALS, LOCAL_SIGNING_SECRET_PARAMETER } from '../infra/local/endpoints';
import { interactionBody, signedHeaders } from '../infra/local/slack-click';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      pipeline: { type: 'string', default: 'MyFirstPipeline' },
      execution: { type: 'string' },
      stage: { type: 'string' },
      action: { type: 'string' },
      user: { type: 'string', default: 'U0LOCALDEV' },
      api: { type: 'string', default: `http://127.0.0.1:${process.env.RC_HTTP_PORT ?? DEFAULT_PORTS.http}` },
      slack: { type: 'string', default: `http://127.0.0.1:${process.env.RC_SLACK_PORT ?? DEFAULT_PORTS.slack}` },
      ssm: { type: 'string', default: `http://127.0.0.1:${process.env.RC_SSM_PORT ?? DEFAULT_PORTS.ssm}` },
    },
  });
  const [command, action] = positionals;
  if (command !== 'click' || !action || !values.execution || !values.stage) {
    process.stderr.write('usage: npm run slack -- click <approve|reject|retry|rollback> --execution <id> --stage <name> [--action <approval action>] [--pipeline <name>] [--user <U...>]\n');
    process.exit(2);
  }
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: values.ssm, credentials: LOCAL_CREDENTIALS });
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: LOCAL_SIGNING_SECRET_PARAMETER, WithDecryption: true }));
  const id = `cli-${Date.now()}`;
  const body = interactionBody({
    action,
    value: { pipeline: values.pipeline, executionId: values.execution, stage: values.stage, ...(values.action ? { action: values.action } : {}) },
    user: values.user,
    responseUrl: `${values.slack}/actions/${id}`,
  });
  const response = await fetch(`${values.api}/slack/interactions`, { method: 'POST', headers: signedHeaders(Parameter!.Value!, body), body });
  process.stdout.write(`POST /slack/interactions: ${response.status} ${await response.text()}\n`);
  if (!response.ok) process.exit(1);
  // the worker answers the person through response_url, a moment later
  for (let waited = 0; waited < 15_000; waited += 250) {
    const answers = (await (await fetch(`${values.slack}/_responses`)).json()) as { id: string; text: string }[];
    const answer = answers.find((candidate) => candidate.id === id);
    if (answer) return void process.stdout.write(`Slack (only you see this): ${answer.text}\n`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  process.stdout.write('no answer from act-from-slack within 15 s: see the stack\'s log\n');
}

void main();
