import { parseDocument } from 'yaml';
import * as z from 'zod';
import { TEMPLATE, TEMPLATE_KEYS } from './policy-rules';

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

const PipelineRuleSchema = z.strictObject({
  name: pipelineName,
  branches: globList('branch'),
  paths: globList('path').optional(),
  variables: z.record(z.string().regex(VARIABLE_NAME, 'expected variable names of A-Z a-z 0-9 @ - _'), variableValue).default({}),
  production: z.boolean({ error: 'expected true or false' }).default(false),
  pipelineType: z.enum(['V1', 'V2'], { error: 'expected V1 or V2' }).default('V2'),
  sourceAction: z.string().regex(PIPELINE_NAME, 'expected the name of the pipeline\'s source action').default('Source'),
  promote: z.strictObject({ to: pipelineName }).optional(),
});

const PolicySchema = z
  .strictObject({
    teams: z.record(z.string(), z.strictObject({ slack: z.strictObject({ channel: z.string().min(1, 'expected a Slack channel') }).optional() })),
    repositories: z.record(
      z.string(),
      z.strictObject({
        team: z.string({ error: 'expected the name of a team under teams' }),
        pipelines: z.array(PipelineRuleSchema, { error: 'expected a list of pipelines' }).min(1, 'expected at least one pipeline'),
      }),
    ),
  })
  .superRefine((policy, ctx) => {
    const declared = new Set(Object.values(policy.repositories).flatMap((repository) => repository.pipelines.map((pipeline) => pipeline.name)));
    for (const [repositoryName, repository] of Object.entries(policy.repositories)) {
      if (!(repository.team in policy.teams)) {
        ctx.addIssue({ code: 'custom', path: ['repositories', repositoryName, 'team'], message: `expected one of the teams: ${Object.keys(policy.teams).join(', ') || '(none declared)'}` });
      }
      repository.pipelines.forEach((pipeline, index) => {
        const target = pipeline.promote?.to;
        if (target !== undefined && (target === pipeline.name || !declared.has(target))) {
          ctx.addIssue({ code: 'custom', path: ['repositories', repositoryName, 'pipelines', index, 'promote', 'to'], message: 'expected another pipeline declared in this policy' });
        }
      });
    }
  });

export type ReleasePolicy = z.infer<typeof PolicySchema>;
export type PipelineRule = z.infer<typeof PipelineRuleSchema>;

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
