import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ClientError, jsonResponse } from '../../shared/http';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { checkSlackSignature } from '../../shared/slack-signature';
import { decideModal } from '../../shared/slack-actions';
import { SlackRefused, type ClickDispatch, type ClickLedger, type SlackModals } from '../../shared/ports';
import { parseInteraction, rawBody } from './interaction';

export interface SlackInteractionsDeps {
  signingSecret: () => Promise<string>;
  clicks: Pick<ClickLedger, 'claimClick'>;
  /** Hands the press to act-from-slack without waiting for it: Slack wants an answer within 3 seconds. */
  acting: ClickDispatch;
  /** The modal to decide with a comment. */
  modals: SlackModals;
  now: () => Date;
}

/**
 * POST /slack/interactions: a button pressed on a card. Verified as Slack's, claimed once (a
 * retry or a replay of the same press acts no more), then handed on; act-from-slack answers the
 * person. What is not Slack's is refused with 401 and read no further.
 */
export async function handle(event: APIGatewayProxyEventV2, deps: SlackInteractionsDeps): Promise<APIGatewayProxyStructuredResultV2> {
  const raw = rawBody(event);
  const headers = event.headers ?? {};
  const check = checkSlackSignature({ timestamp: headers['x-slack-request-timestamp'], signature: headers['x-slack-signature'], rawBody: raw }, await deps.signingSecret(), Math.floor(deps.now().getTime() / 1000));
  if (!check.valid) throw new ClientError(401, 'InvalidSignature', check.reason);
  const interaction = parseInteraction(raw, deps.now());
  if (interaction.kind === 'open-modal') {
    try {
      await deps.modals.open(interaction.triggerId, decideModal(interaction.target, interaction.channel));
    } catch (error) {
      // an expired trigger (the 3 seconds passed) is the person's to press again
      if (error instanceof SlackRefused) throw new ClientError(409, 'ModalNotOpened', `Slack did not open the modal: ${error.message}`);
      throw error;
    }
    metrics.addMetric('SlackModalsOpened', MetricUnit.Count, 1);
    return jsonResponse(200, {});
  }
  const { click } = interaction;
  logger.appendKeys({ clickId: click.id, user: click.user.id, action: click.action, pipeline: click.target.pipeline, executionId: click.target.executionId });
  if (!(await deps.clicks.claimClick(click.id, click.at))) {
    logger.info('slack click seen before: not acted on again', { slackRetry: headers['x-slack-retry-num'] });
    metrics.addMetric('SlackClicksRepeated', MetricUnit.Count, 1);
    return jsonResponse(200, {});
  }
  await deps.acting.dispatch(click);
  logger.info('slack click accepted');
  metrics.addMetric('SlackClicks', MetricUnit.Count, 1);
  return jsonResponse(200, {});
}
