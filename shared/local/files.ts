import { join } from 'node:path';

/**
 * Where the local stage keeps what AWS would: git repositories for CodeCommit, recorded pipeline
 * starts, dead letters, and what the laptop's pipeline runner (infra/local/pipeline-runner.ts) did:
 * the actions it ran, as ListActionExecutions lists them, the executions it ended, as
 * ListPipelineExecutions lists them, and its deployments, as GetDeployment tells them.
 * `pipelineControl` records the approvals, retries and roll backs pressed in Slack (dry run).
 */
export const localFiles = (dir: string) => ({
  gitRepositories: join(dir, 'git'),
  pipelineStarts: join(dir, 'pipeline-starts.jsonl'),
  pipelineActions: join(dir, 'pipeline-actions.jsonl'),
  pipelineExecutions: join(dir, 'pipeline-executions.jsonl'),
  pipelineControl: join(dir, 'pipeline-control.jsonl'),
  deployments: join(dir, 'deployments.jsonl'),
  deadLetters: join(dir, 'dead-letters.jsonl'),
});
