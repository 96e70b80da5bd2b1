import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { withHttp } from '../../shared/middleware';
import { ClientError, jsonResponse } from '../../shared/http';
import { logger } from '../../shared/logger';
import { metrics, MetricUnit } from '../../shared/metrics';
import { checkSlackSignature } from '../../shared/slack-signature';
import { decideModal, type Click } from '../../shared/slack-actions';
import type { ClickLedger } from '../../shared/ports';
import { parseInteraction, rawBody } from './interaction';
import { clicks, dispatch, openModal, signingSecret } from './adapters';

export interface InteractionPorts {
  signingSecret: () => Promise<string>;
  clicks: Pick<ClickLedger, 'claimClick'>;
  /** Hands the press to act-from-slack without waiting for it: Slack wants an answer within 3 seconds. */
  dispatch: (click: Click) => Promise<void>;
  /** Opens the modal to decide with a comment (Slack's views.open, with the press's trigger_id, good for 3 seconds). */
  openModal: (triggerId: string, view: object) => Promise<void>;
  now: () => Date;
}

/**
 * POST /slack/interactions: a button pressed on a card. Verified as Slack's, claimed once (a
 * retry or a replay of the same press acts no more), then handed on; act-from-slack answers the
 * person. What is not Slack's is refused with 401 and read no further.
 */
export async function handle(event: APIGatewayProxyEventV2, ports: InteractionPorts): Promise<APIGatewayProxyStructuredResultV2> {
  const raw = rawBody(event);
  const headers = event.headers ?? {};
  const check = checkSlackSignature({ timestamp: headers['x-slack-request-timestamp'], signature: headers['x-slack-signature'], rawBody: raw }, await ports.signingSecret(), Math.floor(ports.now().getTime() / 1000));
  if (!check.valid) throw new ClientError(401, 'InvalidSignature', check.reason);
  const interaction = parseInteraction(raw, ports.now());
  if (interaction.kind === 'open-modal') {
    await ports.openModal(interaction.triggerId, decideModal(interaction.target, interaction.channel));
    metrics.addMetric('SlackModalsOpened', MetricUnit.Count, 1);
    return jsonResponse(200, {});
  }
  const { click } = interaction;
  logger.appendKeys({ clickId: click.id, user: click.user.id, action: click.action, pipeline: click.target.pipeline, executionId: click.target.executionId });
  if (!(await ports.clicks.claimClick(click.id, click.at))) {
    logger.info('slack click seen before: not acted on again', { slackRetry: headers['x-slack-retry-num'] });
    metrics.addMetric('SlackClicksRepeated', MetricUnit.Count, 1);
    return jsonResponse(200, {});
  }
  await ports.dispatch(click);
  logger.info('slack click accepted');
  metrics.addMetric('SlackClicks', MetricUnit.Count, 1);
  return jsonResponse(200, {});
}

// created with the first request, once per container (and not when a test imports `handle`)
let ports: InteractionPorts | undefined;

export const handler = withHttp('slack-interactions').handler((event) => handle(event, (ports ??= { signingSecret: signingSecret(), clicks: clicks(), dispatch: dispatch(), openModal: openModal(), now: () => new Date() })));
