import { join } from 'node:path';

/** Where the local stage keeps what AWS would: git repositories for CodeCommit, recorded pipeline starts, dead letters. */
export const localFiles = (dir: string) => ({
  gitRepositories: join(dir, 'git'),
  pipelineStarts: join(dir, 'pipeline-starts.jsonl'),
  pipelineActions: join(dir, 'pipeline-actions.jsonl'),
  deadLetters: join(dir, 'dead-letters.jsonl'),
});
