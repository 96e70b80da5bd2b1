import * as z from 'zod/mini';

/**
 * What every handler tells the team, in one shape, whatever the source: published to the SNS topic
 * with `team`, `severity` and `kind` as message attributes, so subscribers filter on them
 * (docs/slack.md has an email filter policy). notify-slack turns them into one Slack
 * message per pipeline execution.
 */
export const ReleaseNotification = z.object({
  /** The id of the event it came from: a redelivered event gives the same id, so nothing is sent twice. */
  id: z.string().check(z.minLength(1)),
  kind: z.enum(['push', 'pipeline', 'stage', 'action', 'approval', 'build', 'deployment', 'alarm']),
  severity: z.enum(['info', 'success', 'warning', 'failure']),
  /** The team under `teams` in release-policy.yml, or `unrouted` when the policy does not say. */
  team: z.string().check(z.minLength(1)),
  /** When it happened (the event's time), ISO-8601. */
  at: z.string(),
  region: z.string(),
  /** The state in the source's words: SUCCEEDED, FAILED, FAILURE, STARTED, ... */
  result: z.string(),
  repository: z.optional(z.string()),
  branch: z.optional(z.string()),
  commit: z.optional(z.object({ id: z.string(), author: z.optional(z.string()), message: z.optional(z.string()) })),
  /** What started the pipeline execution, in CodePipeline's words: `Webhook`, `StartPipelineExecution` (with who, as an ARN), ... */
  trigger: z.optional(z.object({ type: z.string(), detail: z.optional(z.string()) })),
  pipeline: z.optional(
    z.object({
      name: z.string(),
      /** Absent for a build whose pipeline execution is not yet known (notify-slack finds it). */
      executionId: z.optional(z.string()),
      stage: z.optional(z.string()),
      action: z.optional(z.string()),
      /** The build or deployment id a CodeBuild or CodeDeploy action ran. */
      externalExecutionId: z.optional(z.string()),
    }),
  ),
  build: z.optional(
    z.object({
      id: z.string(),
      project: z.string(),
      failure: z.optional(z.object({ phase: z.string(), message: z.string() })),
      logsUrl: z.optional(z.string()),
    }),
  ),
  deployment: z.optional(
    z.object({
      id: z.string(),
      application: z.string(),
      deploymentGroup: z.string(),
      error: z.optional(z.object({ code: z.optional(z.string()), message: z.string() })),
    }),
  ),
  /** A CloudWatch alarm's change: `since` is when the alarm went to ALARM (for OK, the state it left), which names the incident. */
  alarm: z.optional(z.object({ name: z.string(), previous: z.string(), reason: z.string(), since: z.string() })),
  /**
   * What an execution of a production pipeline brings since the pipeline's previous deployment, as
   * CodePipeline lists it: how many commits (`complete` false when there may be more), the newest
   * few with the first line of their message, and the comparison of the two revisions in the console.
   */
  commits: z.optional(
    z.object({
      count: z.number(),
      complete: z.boolean(),
      shown: z.array(z.object({ id: z.string(), author: z.optional(z.string()), authorEmail: z.optional(z.string()), title: z.string() })),
      compareUrl: z.optional(z.string()),
    }),
  ),
  durationSeconds: z.optional(z.number()),
  /** Who approved or rejected a manual approval from Slack (act-from-slack), and which. */
  decidedBy: z.optional(z.object({ slackUser: z.string().check(z.regex(/^[UW][A-Z0-9]{2,20}$/)), name: z.optional(z.string()), decision: z.enum(['approved', 'rejected']), comment: z.optional(z.string()) })),
  links: z.array(z.object({ label: z.string(), url: z.string() })),
});
export type ReleaseNotification = z.infer<typeof ReleaseNotification>;
