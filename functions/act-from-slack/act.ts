import type { ReleasePolicy } from '../../shared/release-policy';
import { findPipeline } from '../../shared/policy-rules';
import { consoleLinks, UNROUTED_TEAM, type ReleaseNotification } from '../../shared/release-notification';
import { allowedPeople, authorize, PAST_TENSE, type Click } from '../../shared/slack-actions';
import type { ClickLedger, ControlOutcome, PipelineControl, Pipelines, SlackPeople, SourceReader } from '../../shared/ports';

export interface ActPorts {
  policy: ReleasePolicy;
  control: PipelineControl;
  clicks: ClickLedger;
  people: Pick<SlackPeople, 'groupsOfUser'>;
  /** The execution's source revision and its commit: who wrote the change may not approve it. */
  pipelines: Pick<Pipelines, 'executionRevision'>;
  source: Pick<SourceReader, 'getCommit'>;
  now: () => Date;
}

export interface ActResult {
  allowed: boolean;
  done: boolean;
  /** What the person who pressed is told (ephemeral), and what the audit keeps. */
  message: string;
}

/** How long a press holds its action against a second press (a double click, a colleague at the same moment). */
const HOLD_SECONDS = 120;

/**
 * The email of the author of the execution's commit, where the policy names its repository and the
 * execution has a commit; none for a connection's commit: CodePipeline gives no author, and its
 * repository is not CodeCommit's.
 */
async function authorEmailOf(pipeline: string, executionId: string, { policy, pipelines, source }: ActPorts): Promise<string | undefined> {
  const owner = findPipeline(policy, pipeline);
  if (owner?.rule.sourceProvider !== 'CodeCommit') return undefined;
  const revision = await pipelines.executionRevision(pipeline, executionId, owner.rule.sourceAction);
  return revision ? (await source.getCommit(owner.repository, revision.commitId)).authorEmail : undefined;
}

/** approve and reject are one decision: whichever press comes first decides. */
const intentOf = ({ action, target }: Click) =>
  [target.pipeline, target.executionId, target.stage, target.action ?? '', action === 'approve' || action === 'reject' ? 'decide' : action].join('#');

/**
 * A press on a card: allowed by the policy (and not the author approving their own change), held
 * against a second press, done through CodePipeline, audited whatever happened.
 */
export async function act(click: Click, ports: ActPorts): Promise<ActResult> {
  const { target, user, action } = click;
  const people = allowedPeople(ports.policy, target.pipeline, target.stage, action);
  const groupsOfUser = people && !people.users.includes(user.id) && people.groups.length > 0 ? await ports.people.groupsOfUser(user.id, people.groups) : [];
  const authorEmail = action === 'approve' ? await authorEmailOf(target.pipeline, target.executionId, ports) : undefined;
  const verdict = authorize(click, ports.policy, { groupsOfUser, authorEmail });

  let outcome: ControlOutcome;
  if (!verdict.allowed) outcome = { done: false, reason: verdict.reason };
  else if (!(await ports.clicks.claimIntent(intentOf(click), click.id, Math.floor(ports.now().getTime() / 1000) + HOLD_SECONDS))) {
    outcome = { done: false, reason: 'someone is already acting on it: see the card' };
  } else {
    outcome = await control(click, ports.control);
    // a refusal frees the action for the next press; a success keeps it held, so a double click acts once
    if (!outcome.done) await ports.clicks.releaseIntent(intentOf(click), click.id);
  }

  const what = `${target.pipeline} / ${target.stage}${target.action ? ` / ${target.action}` : ''} (execution ${target.executionId})`;
  const message = outcome.done ? `✅ You ${PAST_TENSE[action]} ${what}: ${outcome.detail}.` : `🚫 Not ${PAST_TENSE[action]}: ${what}: ${outcome.reason}.`;
  await ports.clicks.audit({
    clickId: click.id,
    at: click.at,
    user: user.id,
    action,
    pipeline: target.pipeline,
    executionId: target.executionId,
    stage: target.stage,
    approvalAction: target.action,
    allowed: verdict.allowed,
    outcome: outcome.done ? outcome.detail : outcome.reason,
  });
  return { allowed: verdict.allowed, done: outcome.done, message };
}

function control(click: Click, pipelines: PipelineControl): Promise<ControlOutcome> {
  const { pipeline, stage, executionId, action = '' } = click.target;
  const who = `${click.user.name ?? click.user.id} (Slack ${click.user.id})`;
  switch (click.action) {
    case 'approve':
    case 'reject':
      return pipelines.decide({
        pipeline, stage, action, executionId,
        approved: click.action === 'approve',
        summary: `${click.action === 'approve' ? 'Approved' : 'Rejected'} from Slack by ${who} at ${click.at}${click.comment ? `: ${click.comment}` : ''}`,
      });
    case 'retry':
      return pipelines.retry({ pipeline, stage, executionId });
    case 'rollback':
      return pipelines.rollback({ pipeline, stage, executionId });
  }
}

/**
 * What the card shows of a decision made from Slack: the approval action ended, by whom. The id
 * is the press's, so a retried invocation publishes nothing twice; CodePipeline's own event for
 * the action follows, and the card keeps who decided whichever comes first.
 */
export function decisionNotification(click: Click, policy: ReleasePolicy, region: string): ReleaseNotification | undefined {
  if ((click.action !== 'approve' && click.action !== 'reject') || !click.target.action) return undefined;
  const { pipeline, executionId, stage, action } = click.target;
  const approved = click.action === 'approve';
  const owner = findPipeline(policy, pipeline);
  const where = owner?.rule.region ?? region;
  return {
    id: `${click.id}/decision`,
    kind: 'action',
    severity: approved ? 'success' : 'warning',
    team: owner?.team ?? UNROUTED_TEAM,
    at: click.at,
    region: where,
    result: approved ? 'SUCCEEDED' : 'FAILED',
    pipeline: { name: pipeline, executionId, stage, action },
    decidedBy: { slackUser: click.user.id, name: click.user.name, decision: approved ? 'approved' : 'rejected', comment: click.comment },
    links: [consoleLinks.execution(where, pipeline, executionId)],
  };
}
