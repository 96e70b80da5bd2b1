import { TEMPLATE, type TemplateContext } from './policy-template';
import type { PipelineRule, ReleasePolicy } from './release-policy';
import { UNROUTED_TEAM } from './release-notification';

export function findPipeline(policy: ReleasePolicy, name: string): { repository: string; team: string; rule: PipelineRule } | undefined {
  for (const [repository, { team, pipelines }] of Object.entries(policy.repositories)) {
    const rule = pipelines.find((pipeline) => pipeline.name === name);
    if (rule) return { repository, team, rule };
  }
  return undefined;
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

/** The production pipelines that declare the alarm as a signal (release-policy.yml `signals.alarms`). */
export function pipelinesWatching(policy: ReleasePolicy, alarmName: string): { pipeline: string; team: string; rule: PipelineRule }[] {
  return Object.values(policy.repositories).flatMap(({ team, pipelines }) =>
    pipelines.filter((rule) => rule.production && rule.signals?.alarms.includes(alarmName)).map((rule) => ({ pipeline: rule.name, team, rule })),
  );
}

/** Every alarm the policy declares as a production signal, once each. */
export function signalAlarms(policy: ReleasePolicy): string[] {
  return [...new Set(Object.values(policy.repositories).flatMap(({ pipelines }) => pipelines.flatMap((rule) => rule.signals?.alarms ?? [])))];
}

/** The production pipelines that declare the CodeDeploy group (`application/group`) theirs (release-policy.yml `signals.deploymentGroups`). */
export function pipelinesDeployingTo(policy: ReleasePolicy, deploymentGroup: string): { pipeline: string; team: string; rule: PipelineRule }[] {
  return Object.values(policy.repositories).flatMap(({ team, pipelines }) =>
    pipelines.filter((rule) => rule.production && rule.signals?.deploymentGroups.includes(deploymentGroup)).map((rule) => ({ pipeline: rule.name, team, rule })),
  );
}
