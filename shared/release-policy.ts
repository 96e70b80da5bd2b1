import { parseDocument } from 'yaml';
import * as z from 'zod';
import { TEMPLATE, TEMPLATE_KEYS } from './policy-template';

// CodePipeline's own limits: https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StartPipelineExecution.html
const PIPELINE_NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;
const VARIABLE_NAME = /^[A-Za-z0-9@\-_]{1,128}$/;

// Branch and path names come from whoever may push: a glob must match them in bounded time.
// picomatch's regular expressions backtrack once a segment holds three wildcards (a 256-character
// branch against `release/*-*-*-*-*` takes 40 s), so a segment may hold two and a glob two `**`.
const LONGEST_GLOB = 256;
const EXTGLOB = /[@!+*?]\(/;

function globProblem(glob: string): string | undefined {
  if (glob.length > LONGEST_GLOB) return `expected a glob of at most ${LONGEST_GLOB} characters`;
  if (EXTGLOB.test(glob)) return 'expected a glob without extglobs such as +(a|b): they can take exponential time to match';
  const segments = glob.split('/');
  if (segments.filter((segment) => segment === '**').length > 2) return 'expected at most two ** in a glob';
  if (segments.some((segment) => segment !== '**' && (segment.match(/\*/g)?.length ?? 0) > 2)) return 'expected at most two * in each part of a glob between slashes, so that matching takes bounded time';
  return undefined;
}

const glob = z.string().min(1).superRefine((value, ctx) => {
  const problem = globProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const globList = (what: string) =>
  z.array(glob, { error: `expected a list of ${what} globs, e.g. ["main", "feature/**"]` }).min(1, `expected at least one ${what} glob`);

const pipelineName = z.string({ error: 'expected a CodePipeline name' }).regex(PIPELINE_NAME, 'expected a CodePipeline name: 1-100 of A-Z a-z 0-9 . @ - _');

const variableValue = z
  .string({ error: 'expected a string' })
  .min(1, 'expected a non-empty string (CodePipeline rejects empty variables)')
  .refine((value) => [...value.matchAll(TEMPLATE)].every(([, key]) => (TEMPLATE_KEYS as readonly string[]).includes(key ?? '')), {
    error: `expected only the placeholders \${${TEMPLATE_KEYS.join('}, ${')}}`,
  });

// Slack's ids: https://docs.slack.dev/reference/objects/user-object (U or W) and usergroup-object (S)
const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;
const SLACK_GROUP = /^S[A-Z0-9]{2,20}$/;
const slackUser = z.string({ error: 'expected a Slack user id such as U012AB3CD' }).regex(SLACK_USER, 'expected a Slack user id such as U012AB3CD (a member ID, not a display name)');

/** Who may take one action from Slack: Slack user ids and user group ids, at least one of them. */
const AllowedSchema = z
  .strictObject({
    users: z.array(slackUser, { error: 'expected a list of Slack user ids' }).default([]),
    groups: z.array(z.string().regex(SLACK_GROUP, 'expected a Slack user group id such as S0614TZR7'), { error: 'expected a list of Slack user group ids' }).default([]),
  })
  .refine((allowed) => allowed.users.length + allowed.groups.length > 0, { error: 'expected at least one user or group' });

/** The buttons a card may show, each for the people named; an action not named here shows no button. */
const ActionsSchema = z.strictObject({ approve: AllowedSchema.optional(), reject: AllowedSchema.optional(), retry: AllowedSchema.optional(), rollback: AllowedSchema.optional() });

// CloudWatch's and CodeDeploy's own limits: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
// https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentGroup.html
const DEPLOYMENT_GROUP = /^[^/]{1,100}\/[^/]{1,100}$/;

/** What says production is unhealthy after a deployment of the pipeline (docs/dora.md). */
const SignalsSchema = z.strictObject({
  /** CloudWatch alarms whose ALARM state means production is failing. */
  alarms: z.array(z.string().min(1, 'expected a CloudWatch alarm name').max(255, 'expected a CloudWatch alarm name: at most 255 characters'), { error: 'expected a list of CloudWatch alarm names' }).default([]),
  /** CodeDeploy deployment groups that are production, as `application/group`: their rollbacks are failures. */
  deploymentGroups: z.array(z.string().regex(DEPLOYMENT_GROUP, 'expected application/deployment-group, e.g. MyDemoApplication/MyDemoDeploymentGroup'), { error: 'expected a list of application/deployment-group names' }).default([]),
  /** Minutes after a deployment in which an alarm going off is its failure (unless another deployment came first). */
  windowMinutes: z.number({ error: 'expected a number of minutes' }).int('expected whole minutes').min(1).max(10_080, 'expected at most a week (10080 minutes)').default(60),
});

// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html and the region codes of
// https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Where a repository or pipeline lives, when not in the account and region of the stack itself (docs/organization.md). */
const placeFields = {
  account: z.string({ error: 'expected a 12-digit AWS account id in quotes, such as "111122223333" (unquoted, YAML reads it as a number)' }).regex(ACCOUNT_ID, 'expected a 12-digit AWS account id, such as "111122223333"').optional(),
  region: z.string({ error: 'expected an AWS region code, such as eu-west-1' }).regex(REGION, 'expected an AWS region code, such as eu-west-1').optional(),
};

const PipelineRuleSchema = z.strictObject({
  name: pipelineName,
  ...placeFields,
  branches: globList('branch'),
  paths: globList('path').optional(),
  variables: z.record(z.string().regex(VARIABLE_NAME, 'expected variable names of A-Z a-z 0-9 @ - _'), variableValue).default({}),
  production: z.boolean({ error: 'expected true or false' }).default(false),
  pipelineType: z.enum(['V1', 'V2'], { error: 'expected V1 or V2' }).default('V2'),
  sourceAction: z.string().regex(PIPELINE_NAME, 'expected the name of the pipeline\'s source action').default('Source'),
  /** The source action's provider: CodeCommit's commit graph gives a deployment's commits; a connection's (GitHub, GitLab, Bitbucket) is not read. */
  sourceProvider: z.enum(['CodeCommit', 'CodeStarSourceConnection'], { error: 'expected CodeCommit or CodeStarSourceConnection (a connection to GitHub, GitLab or Bitbucket)' }).default('CodeCommit'),
  promote: z.strictObject({ to: pipelineName }).optional(),
  signals: SignalsSchema.optional(),
  /** Who may act on this pipeline's executions from Slack; `stages` replaces an action's people for one stage. */
  actions: ActionsSchema.optional(),
  stages: z.record(z.string().regex(PIPELINE_NAME, 'expected a stage name: 1-100 of A-Z a-z 0-9 . @ - _'), z.strictObject({ actions: ActionsSchema })).optional(),
});

const PolicySchema = z
  .strictObject({
    /** Commit author emails to Slack user ids: nobody approves their own change, and a failure mentions its commits' authors. */
    people: z
      .record(z.string(), slackUser)
      .superRefine((people, ctx) => {
        for (const email of Object.keys(people)) {
          if (!z.email().safeParse(email).success) ctx.addIssue({ code: 'custom', path: [email], message: 'expected a commit author email as the key, such as "ana@example.com"' });
        }
      })
      .default({}),
    teams: z.record(z.string(), z.strictObject({ slack: z.strictObject({ channel: z.string().min(1, 'expected a Slack channel') }).optional() })),
    repositories: z.record(
      z.string(),
      z.strictObject({
        team: z.string({ error: 'expected the name of a team under teams' }),
        ...placeFields,
        pipelines: z.array(PipelineRuleSchema, { error: 'expected a list of pipelines' }).min(1, 'expected at least one pipeline'),
      }),
    ),
  })
  .superRefine((policy, ctx) => {
    const declared = new Set(Object.values(policy.repositories).flatMap((repository) => repository.pipelines.map((pipeline) => pipeline.name)));
    // a pipeline is known by its name alone: the events, the ledger, the metrics and the cards name it so
    const declaredAt = new Map<string, string>();
    for (const [repositoryName, repository] of Object.entries(policy.repositories)) {
      repository.pipelines.forEach((pipeline, index) => {
        const place = `${pipeline.account ?? repository.account ?? '(this stack\'s account)'} ${pipeline.region ?? repository.region ?? '(this stack\'s region)'}`;
        const first = declaredAt.get(pipeline.name);
        if (first !== undefined && first !== place) {
          ctx.addIssue({ code: 'custom', path: ['repositories', repositoryName, 'pipelines', index, 'name'], message: `expected one pipeline of this name: it is also declared in ${first}, and the ledger, the metrics and the cards know a pipeline by its name` });
        }
        declaredAt.set(pipeline.name, first ?? place);
      });
    }
    for (const [repositoryName, repository] of Object.entries(policy.repositories)) {
      if (!(repository.team in policy.teams)) {
        ctx.addIssue({ code: 'custom', path: ['repositories', repositoryName, 'team'], message: `expected one of the teams: ${Object.keys(policy.teams).join(', ') || '(none declared)'}` });
      }
      repository.pipelines.forEach((pipeline, index) => {
        if (pipeline.signals && !pipeline.production) {
          ctx.addIssue({ code: 'custom', path: ['repositories', repositoryName, 'pipelines', index, 'signals'], message: 'expected signals only on a production pipeline (production: true): they say when production fails' });
        }
        const target = pipeline.promote?.to;
        if (target !== undefined && (target === pipeline.name || !declared.has(target))) {
          ctx.addIssue({ code: 'custom', path: ['repositories', repositoryName, 'pipelines', index, 'promote', 'to'], message: 'expected another pipeline declared in this policy' });
        }
        // RollbackStage is V2's, and a roll back is offered on production pipelines only
        const rollbacks: PropertyKey[][] = [
          ...(pipeline.actions?.rollback ? [['actions', 'rollback']] : []),
          ...Object.entries(pipeline.stages ?? {}).flatMap(([stage, { actions }]) => (actions.rollback ? [['stages', stage, 'actions', 'rollback']] : [])),
        ];
        for (const path of rollbacks) {
          if (pipeline.pipelineType !== 'V2' || !pipeline.production) {
            ctx.addIssue({ code: 'custom', path: ['repositories', repositoryName, 'pipelines', index, ...path], message: 'expected rollback only on a production V2 pipeline (CodePipeline\'s RollbackStage is V2\'s)' });
          }
        }
      });
    }
  });

export type ReleasePolicy = z.infer<typeof PolicySchema>;
export type PipelineRule = z.infer<typeof PipelineRuleSchema>;
export type AllowedPeople = z.infer<typeof AllowedSchema>;
export type ProductionSignals = z.infer<typeof SignalsSchema>;

/** A policy file that cannot be used, with every problem as `file: path: expected ...`. */
export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PolicyError';
  }
}

/**
 * Parses and validates release-policy.yml text (at build time, see infra/esbuild-plugins.cjs); throws a PolicyError naming the file, the path and what was expected. */
export function parsePolicy(text: string, fileName = 'release-policy.yml'): ReleasePolicy {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new PolicyError(document.errors.map((error) => `${fileName}:${error.linePos?.[0].line ?? '?'}:${error.linePos?.[0].col ?? '?'}: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:$/, '')}`));
  }
  const result = PolicySchema.safeParse(document.toJS());
  if (!result.success) {
    throw new PolicyError(result.error.issues.map((issue) => `${fileName}: ${formatPath(issue.path) || '(top level)'}: ${issue.message}`));
  }
  return result.data;
}

function formatPath(path: PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}
