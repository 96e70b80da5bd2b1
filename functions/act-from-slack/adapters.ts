import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resolve } from 'node:path';
import policy from '../../release-policy.yml';
import { awsClientConfig } from '../../shared/aws/client-config';
import { clickTable } from '../../shared/aws/click-table';
import { codePipelineControl } from '../../shared/aws/codepipeline-control';
import { secureString } from '../../shared/aws/secrets';
import { localFiles } from '../../shared/local/files';
import { recordedControl } from '../../shared/local/recorded-control';
import { findPipeline } from '../../shared/policy-rules';
import { dryRun, dynamoDbClient, pipelines, sourceReader } from '../../shared/runtime';
import type { ClickLedger, PipelineControl } from '../../shared/ports';

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: serverless.yml sets it for act-from-slack`);
  return value;
};

/** Dry run (the default locally) records approvals, retries and roll backs instead of sending them. */
export function control(): PipelineControl {
  return dryRun ? recordedControl(localFiles(resolve(process.env.RC_LOCAL_DIR || '/tmp')).pipelineControl) : codePipelineControl(new CodePipelineClient(awsClientConfig()));
}

export const clicks = (): ClickLedger => clickTable(DynamoDBDocumentClient.from(dynamoDbClient()), required('LEDGER_TABLE'), Number(process.env.LEDGER_RETENTION_DAYS ?? 400));

/** The execution's commit author, from its source revision (GetPipelineExecution) and the commit (GetCommit). */
export function authorEmail(): (pipeline: string, executionId: string) => Promise<string | undefined> {
  const executions = pipelines();
  const source = sourceReader();
  return async (pipeline, executionId) => {
    const repository = findPipeline(policy, pipeline)?.repository;
    const revision = await executions.executionRevision(pipeline, executionId);
    if (!repository || !revision) return undefined;
    return (await source.getCommit(repository, revision.commitId)).authorEmail;
  };
}

interface SlackAnswer {
  ok: boolean;
  error?: string;
  users?: string[];
}

/** Slack's Web API for what the worker asks: who is in a user group (scope usergroups:read), and the ephemeral answer through response_url. */
export function slackPeople() {
  const token = secureString(required('SLACK_BOT_TOKEN_PARAMETER'));
  const apiUrl = process.env.SLACK_API_URL || 'https://slack.com/api/';
  return {
    async groupsOfUser(userId: string, groups: string[]): Promise<string[]> {
      const member = await Promise.all(
        groups.map(async (usergroup) => {
          const response = await fetch(`${apiUrl}usergroups.users.list`, {
            method: 'POST',
            headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ usergroup }),
            signal: AbortSignal.timeout(3_000),
          });
          const answer = (await response.json()) as SlackAnswer;
          if (!answer.ok) throw new Error(`Slack's usergroups.users.list answered ${answer.error ?? response.status}`);
          return answer.users?.includes(userId) ? usergroup : undefined;
        }),
      );
      return member.filter((group) => group !== undefined);
    },
    async answerInChannel(channel: string, user: string, text: string): Promise<void> {
      const response = await fetch(`${apiUrl}chat.postEphemeral`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ channel, user, text }),
        signal: AbortSignal.timeout(3_000),
      });
      const answer = (await response.json()) as SlackAnswer;
      if (!answer.ok) throw new Error(`Slack's chat.postEphemeral answered ${answer.error ?? response.status}`);
    },
    async answer(responseUrl: string, text: string): Promise<void> {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        signal: AbortSignal.timeout(3_000),
      });
      if (!response.ok) throw new Error(`Slack's response_url answered ${response.status}`);
    },
  };
}
