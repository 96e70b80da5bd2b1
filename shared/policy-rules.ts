import { TEMPLATE, type TemplateContext } from './policy-template';
import type { PipelineRule, ReleasePolicy } from './release-policy';
import { UNROUTED_TEAM } from './release-notification';

/** An AWS account and region: where a repository or pipeline lives, and where an event comes from. */
export interface Place {
  account: string;
  region: string;
}

type Placeable = { account?: string; region?: string };

/**
 * The policy with every repository and pipeline placed: a pipeline lives where the policy says, else
 * where its repository does, else in the stack's own account and region (`home`).
 */
export function placePolicy(policy: ReleasePolicy, home: Place): ReleasePolicy {
  const repositories = Object.fromEntries(
    Object.entries(policy.repositories).map(([name, repository]) => {
      const account = repository.account ?? home.account;
      const region = repository.region ?? home.region;
      return [name, { ...repository, account, region, pipelines: repository.pipelines.map((rule) => ({ ...rule, account: rule.account ?? account, region: rule.region ?? region })) }];
    }),
  );
  return { ...policy, repositories };
}

/** Whether something the policy declares lives at `place`; what the policy has not placed is anywhere. */
export const livesAt = (declared: Placeable, place: Place | undefined): boolean =>
  !place || ((declared.account === undefined || declared.account === place.account) && (declared.region === undefined || declared.region === place.region));

/**
 * The policy's pipeline of this name, with its repository and team; given where an event comes
 * from, only if the pipeline lives there (another account's pipeline of the same name is not ours).
 */
export function findPipeline(policy: ReleasePolicy, name: string, at?: Place): { repository: string; team: string; rule: PipelineRule } | undefined {
  for (const [repository, { team, pipelines }] of Object.entries(policy.repositories)) {
    const rule = pipelines.find((pipeline) => pipeline.name === name);
    if (rule) return livesAt(rule, at) ? { repository, team, rule } : undefined;
  }
  return undefined;
}

/** Where the policy says the pipeline lives (else its repository), as far as it says. */
export const pipelinePlace = (policy: ReleasePolicy, name: string): Placeable => {
  const { rule, repository = '' } = findPipeline(policy, name) ?? {};
  const declared = policy.repositories[repository];
  return { account: rule?.account ?? declared?.account, region: rule?.region ?? declared?.region };
};

/** Where the policy says the repository lives, as far as it says. */
export const repositoryPlace = (policy: ReleasePolicy, name: string): Placeable => ({ account: policy.repositories[name]?.account, region: policy.repositories[name]?.region });

/** The accounts the policy names, once each: the central functions assume the member role in each. */
export function memberAccounts(policy: ReleasePolicy): string[] {
  const named = Object.values(policy.repositories).flatMap((repository) => [repository.account, ...repository.pipelines.map((rule) => rule.account)]);
  return [...new Set(named.filter((account): account is string => account !== undefined))].sort();
}

/** The rule's variables with placeholders filled in; a variable whose placeholder has no value is left out (CodePipeline rejects empty values). */
export function resolveVariables(rule: PipelineRule, context: TemplateContext): { name: string; value: string }[] {
  return Object.entries(rule.variables).flatMap(([name, template]) => {
    let complete = true;
    const value = template.replace(TEMPLATE, (_, key: keyof TemplateContext) => context[key] ?? ((complete = false), ''));
    return complete && value !== '' ? [{ name, value }] : [];
  });
}

/**
 * Who hears about a repository or pipeline: its team in the policy; a policy with one team owns
 * everything; otherwise `unrouted` (notify-slack then uses the card's channel or none).
 */
export function teamFor(policy: ReleasePolicy, { repository, pipeline }: { repository?: string; pipeline?: string }): string {
  const team = (repository && policy.repositories[repository]?.team) || (pipeline && findPipeline(policy, pipeline)?.team);
  if (team) return team;
  const teams = Object.keys(policy.teams);
  return teams.length === 1 ? teams[0]! : UNROUTED_TEAM;
}

/** Every pipeline the policy names, once each (several repositories may feed one), or only its production pipelines. */
export function policyPipelines(policy: ReleasePolicy, only?: 'production'): string[] {
  const rules = Object.values(policy.repositories).flatMap((repository) => repository.pipelines);
  return [...new Set(rules.filter((rule) => only !== 'production' || rule.production).map((rule) => rule.name))];
}

/** Each team's production pipelines (its repositories'), in the policy's order; a team without any is left out. */
export function teamProductionPipelines(policy: ReleasePolicy): { team: string; pipelines: string[] }[] {
  return Object.keys(policy.teams).flatMap((team) => {
    const repositories = Object.values(policy.repositories).filter((repository) => repository.team === team);
    const pipelines = [...new Set(repositories.flatMap((repository) => repository.pipelines.filter((rule) => rule.production).map((rule) => rule.name)))];
    return pipelines.length > 0 ? [{ team, pipelines }] : [];
  });
}

/** The policy's pipelines that live at the place, once each. */
export function pipelinesAt(policy: ReleasePolicy, place: Place): string[] {
  return policyPipelines(policy).filter((name) => findPipeline(policy, name, place));
}

/** The production pipelines that declare the alarm as a signal (release-policy.yml `signals.alarms`), and live where it went off. */
export function pipelinesWatching(policy: ReleasePolicy, alarmName: string, at?: Place): { pipeline: string; team: string; rule: PipelineRule }[] {
  return Object.values(policy.repositories).flatMap(({ team, pipelines }) =>
    pipelines.filter((rule) => rule.production && rule.signals?.alarms.includes(alarmName) && livesAt(rule, at)).map((rule) => ({ pipeline: rule.name, team, rule })),
  );
}

/** Every alarm the policy declares as a production signal, once each. */
export function signalAlarms(policy: ReleasePolicy): string[] {
  return [...new Set(Object.values(policy.repositories).flatMap(({ pipelines }) => pipelines.flatMap((rule) => rule.signals?.alarms ?? [])))];
}

/** The production pipelines that declare the CodeDeploy group (`application/group`) theirs (release-policy.yml `signals.deploymentGroups`), and live where it is. */
export function pipelinesDeployingTo(policy: ReleasePolicy, deploymentGroup: string, at?: Place): { pipeline: string; team: string; rule: PipelineRule }[] {
  return Object.values(policy.repositories).flatMap(({ team, pipelines }) =>
    pipelines.filter((rule) => rule.production && rule.signals?.deploymentGroups.includes(deploymentGroup) && livesAt(rule, at)).map((rule) => ({ pipeline: rule.name, team, rule })),
  );
}
