import type { Ledger, Pipelines } from '../../shared/ports';

/**
 * The pipeline execution that ran a deployment, so its notification joins that execution's Slack
 * message even when CodeDeploy's event comes before CodePipeline's: the ledger's link, else the
 * recent actions of the policy's pipelines (then linked, so the deployment's next event finds it in
 * the ledger). A CodeDeploy event does not say whether a pipeline created the deployment.
 */
export async function deploymentExecution(
  deploymentId: string,
  pipelineNames: string[],
  pipelines: Pick<Pipelines, 'findActionExecution'>,
  ledger: Pick<Ledger, 'executionOf' | 'linkToExecution'>,
): Promise<{ pipeline: string; executionId: string } | undefined> {
  const linked = await ledger.executionOf('deployment', deploymentId);
  if (linked) return linked;
  const found = await Promise.all(pipelineNames.map(async (pipeline) => ({ pipeline, action: await pipelines.findActionExecution(pipeline, deploymentId) })));
  const ran = found.find(({ action }) => action !== undefined);
  if (!ran?.action) return undefined;
  const { executionId, stage, action } = ran.action;
  await ledger.linkToExecution({ kind: 'deployment', id: deploymentId, pipeline: ran.pipeline, executionId, stage, action });
  return { pipeline: ran.pipeline, executionId };
}
