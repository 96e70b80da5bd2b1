/** What the domain needs from the outside world; adapters in shared/aws and shared/local provide it. */

export interface Commit {
  commitId: string;
  author: string;
  message: string;
  /** When the author made the commit, ISO-8601. */
  authoredAt?: string;
}

export interface SourceReader {
  getCommit(repository: string, commitId: string): Promise<Commit>;
  /** Every path added, changed or deleted between the two commits. */
  changedPaths(repository: string, beforeCommitId: string, afterCommitId: string): Promise<string[]>;
}

export interface PipelineStart {
  pipeline: string;
  clientRequestToken: string;
  variables: { name: string; value: string }[];
  sourceRevision?: { actionName: string; commitId: string };
  /** What the execution is for, kept by local and dry-run adapters; never sent to AWS. */
  context: { repository?: string; branch?: string; commitId: string; reason: string };
}

export interface ExecutionRevision {
  commitId: string;
  variables: Record<string, string>;
}

export interface Pipelines {
  start(request: PipelineStart): Promise<{ executionId: string }>;
  /** The source commit and resolved variables of an execution, or undefined when it has no commit revision. */
  executionRevision(pipeline: string, executionId: string): Promise<ExecutionRevision | undefined>;
}

export interface DeadLetters {
  send(letter: { functionName: string; reason: string; event: unknown }): Promise<void>;
}

/** How an ended deployment went, as CodeDeploy's GetDeployment tells it; empty where it is not known. */
export interface DeploymentOutcome {
  /** Seconds from creation to completion. */
  durationSeconds?: number;
  /** Why it failed or stopped, in CodeDeploy's words. */
  error?: { code?: string; message: string };
}

export interface Deployments {
  outcome(deploymentId: string): Promise<DeploymentOutcome>;
}
