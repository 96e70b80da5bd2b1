/**
 * Every port: what the functions need from the outside world. Adapters provide them, side by side:
 * AWS's in shared/aws, the local stage's in shared/local, Slack's in shared/slack; shared/adapters.ts
 * chooses which.
 */

import type { KnownBlock } from '@slack/types';
import type { DoraFact, ProductionHistory } from './dora';
import type { Place } from './policy-rules';
import type { ReleaseNotification } from './release-notification';
import type { PipelineRule } from './release-policy';
import type { Click } from './slack-actions';

export interface Commit {
  commitId: string;
  author: string;
  /** The author's email, which release-policy.yml's `people` maps to a Slack user (no self-approval, mentions on a failure). */
  authorEmail?: string;
  message: string;
  /** When the author made the commit, ISO-8601. */
  authoredAt?: string;
}

export interface SourceReader {
  getCommit(repository: string, commitId: string): Promise<Commit>;
  /** Every path added, changed or deleted between the two commits. */
  changedPaths(repository: string, beforeCommitId: string, afterCommitId: string): Promise<string[]>;
  /**
   * What a deployment of `toCommitId` brings after `fromCommitId`, as `git log to ^from` lists it:
   * the commits reachable from `toCommitId` through every parent (a merge brings its branch's
   * commits, however old) and not from `fromCommitId`, each as getCommit gives it, newest first by
   * commit date. At most `limit`, the newest; `complete` is false when there may be more, either
   * past the limit or past how far the adapter walks (what it returns is in the range all the same).
   * Without `fromCommitId` (no earlier revision known) the range is the whole history of
   * `toCommitId`, so `complete` is true only for a history of at most `limit` commits. The same
   * commit twice, or a `toCommitId` that `fromCommitId` descends from (a rollback), gives none.
   * A commit the repository does not hold is an error.
   */
  commitsBetween(repository: string, fromCommitId: string | undefined, toCommitId: string, limit: number): Promise<{ commits: Commit[]; complete: boolean }>;
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
  /** When the commit was made, where the source says so (CodeCommit does). */
  committedAt?: string;
  variables: Record<string, string>;
  /** A connection's commit (GitHub, GitLab, Bitbucket), as CodePipeline tells it; absent for CodeCommit's. */
  connection?: ConnectionCommit;
  /** What started the execution, as GetPipelineExecution's trigger says. */
  trigger?: ExecutionTrigger;
}

/** What started a pipeline execution, in CodePipeline's words: `WebhookV2` (a push through a connection), `StartPipelineExecution` with the caller's ARN, ... */
export interface ExecutionTrigger {
  type: string;
  detail?: string;
}

/**
 * What CodePipeline tells of a commit a connection brought, each where it says: the provider and the
 * message from the revision's summary, its URL, and the source action's output variables.
 */
export interface ConnectionCommit {
  /** The connection's provider type: `GitHub`, `GitLab`, `Bitbucket`, `GitHubEnterpriseServer`, `GitLabSelfManaged`. */
  provider?: string;
  /** FullRepositoryName: `owner/repository` (GitLab's may have subgroups). */
  repository?: string;
  branch?: string;
  message?: string;
  /** AuthorDate, ISO-8601. */
  authoredAt?: string;
  /** The revision's URL, as CodePipeline gives it. */
  url?: string;
}

/** The source action's provider (release-policy.yml's `sourceProvider`): a connection's revision says more of its commit. */
export type SourceProvider = PipelineRule['sourceProvider'];

export interface Pipelines {
  start(request: PipelineStart): Promise<{ executionId: string }>;
  /**
   * The commit its `sourceAction` gave an execution, with its resolved variables; undefined when it
   * has no commit revision. A pipeline with several sources has several commits: the action says which.
   * A connection's revision (`sourceProvider` CodeStarSourceConnection) comes with its `connection` commit.
   */
  executionRevision(pipeline: string, executionId: string, sourceAction: string, sourceProvider?: SourceProvider): Promise<ExecutionRevision | undefined>;
  /** The execution's actions with the id their provider gave them (a CodeBuild build id, a CodeDeploy deployment id). */
  actionExecutions(pipeline: string, executionId: string): Promise<{ stage: string; action: string; externalExecutionId?: string }[]>;
  /**
   * The pipeline's deployments (its succeeded executions) and roll backs (succeeded ROLLBACK
   * executions) that ended at or before `before`, newest first, as CodePipeline lists them: the
   * same answer whatever order our events came in. Each deployment with its `sourceAction`'s commit.
   */
  history(pipeline: string, options: { before: string; sourceAction: string }): Promise<ProductionHistory>;
  /** Which execution of the pipeline ran the build or deployment with this id, among its 100 most recent actions. */
  findActionExecution(pipeline: string, externalExecutionId: string): Promise<{ executionId: string; stage: string; action: string } | undefined>;
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
  /**
   * Where a rollback touched it (GetDeployment's rollbackInfo): `of` the deployment this one rolls
   * back (this one was made by CodeDeploy's automatic rollback), `by` the deployment that rolled
   * this one back, `message` CodeDeploy's words on the rollback.
   */
  rollback?: { of?: string; by?: string; message?: string };
}

export interface Deployments {
  /** The deployment as CodeDeploy tells it in the account and region its event comes from. */
  outcome(deploymentId: string, at: Place): Promise<DeploymentOutcome>;
}

export interface PushRecord {
  repository: string;
  branch: string;
  commitId: string;
  /** Author and first line of the message, when the push was read (only pushes to a policy branch are). */
  author?: string;
  title?: string;
  pushedAt: string;
  eventId: string;
}

/** A state a pipeline, one of its stages or one of its actions reached. */
export interface ExecutionStep {
  pipeline: string;
  executionId: string;
  stage?: string;
  action?: string;
  state: string;
  at: string;
  eventId: string;
  /** What started the execution, on its start: the event's execution-trigger. */
  trigger?: ExecutionTrigger;
}

export interface BuildRecord {
  buildId: string;
  project: string;
  status: string;
  at: string;
  commitId?: string;
  /** The pipeline that started the build, from CodeBuild's initiator (`codepipeline/<name>`). */
  pipeline?: string;
  durationSeconds?: number;
  eventId: string;
}

export interface DeploymentRecord {
  deploymentId: string;
  application: string;
  deploymentGroup: string;
  state: string;
  at: string;
  durationSeconds?: number;
  error?: { code?: string; message: string };
  eventId: string;
}

/**
 * The release ledger (docs/dora.md). Every write is safe to repeat. Each event's own record answers
 * whether it is new: false when this very event (by its id) was recorded before, so a redelivered
 * event does its idempotent work again and counts nothing twice. Each function writes it last, after
 * every effect that can fail, so a delivery that failed left none and its retry counts. Not known to
 * be repeats (they answer true): a push of a commit its branch already had by another event, and a
 * build's or deployment's state older than the one kept (an ended state is the last, so it counts once).
 */
export interface Ledger {
  recordPush(push: PushRecord): Promise<boolean>;
  recordStep(step: ExecutionStep): Promise<boolean>;
  /**
   * Claims a DORA fact for its pipeline: true the first time, false for a fact claimed before
   * (whoever claimed it). `carried`, the facts that come only with it (a deployment's lead times),
   * are claimed with it in the same write.
   */
  claimFact(fact: DoraFact, carried?: DoraFact[]): Promise<boolean>;
  /** Every DORA fact claimed for the pipeline, carried ones included (for reports). */
  facts(pipeline: string): Promise<DoraFact[]>;
  recordBuild(build: BuildRecord): Promise<boolean>;
  recordDeployment(deployment: DeploymentRecord): Promise<boolean>;
  /** Ties a build or deployment to the pipeline execution that ran it. */
  linkToExecution(link: ExecutionLink): Promise<void>;
  /** The pipeline execution a build or deployment is tied to, if the ledger knows it. */
  executionOf(kind: ExecutionLink['kind'], id: string): Promise<{ pipeline: string; executionId: string } | undefined>;
}

export interface ExecutionLink {
  kind: 'build' | 'deployment';
  /** The CodeBuild build id (`project:uuid`) or CodeDeploy deployment id. */
  id: string;
  pipeline: string;
  executionId: string;
  stage: string;
  action: string;
}

/** Where handlers tell teams what happened: the SNS topic. */
export interface Notifications {
  publish(notifications: ReleaseNotification[]): Promise<void>;
}

/**
 * What a click on a card may do to a pipeline. The approval token never crosses this port: the
 * adapter reads it with GetPipelineState at the moment it decides, and forgets it.
 */
export interface PipelineControl {
  /** Approves or rejects the manual approval action if it is waiting in this execution now. */
  decide(request: { pipeline: string; stage: string; action: string; executionId: string; approved: boolean; summary: string }): Promise<ControlOutcome>;
  /** Retries the failed actions of the stage in this execution (RetryStageExecution, FAILED_ACTIONS). */
  retry(request: { pipeline: string; stage: string; executionId: string }): Promise<ControlOutcome>;
  /** Rolls the stage back to the pipeline's last successful execution before this one (V2 RollbackStage). */
  rollback(request: { pipeline: string; stage: string; executionId: string }): Promise<ControlOutcome>;
}

/** Done, with what CodePipeline answered; or refused, with why in words a person can act on. */
export type ControlOutcome = { done: true; detail: string } | { done: false; reason: string };

/** Where the clicks on cards are claimed and audited (the ledger table, docs/dora.md). */
export interface ClickLedger {
  /** Claims the press once: false when this very press (a Slack retry, a replay) was claimed before. */
  claimClick(clickId: string, at: string): Promise<boolean>;
  /** Claims the action on its target until `untilSeconds` (epoch): false while another press holds it (a double click). */
  claimIntent(intent: string, holder: string, untilSeconds: number): Promise<boolean>;
  /** Frees an intent its holder was refused on, so that a permitted person may press again at once. */
  releaseIntent(intent: string, holder: string): Promise<void>;
  audit(entry: ClickAudit): Promise<void>;
}

export interface ClickAudit {
  clickId: string;
  at: string;
  user: string;
  action: string;
  pipeline: string;
  executionId: string;
  stage: string;
  approvalAction?: string;
  allowed: boolean;
  /** Why it was refused, or what CodePipeline answered. */
  outcome: string;
}

/** Who may talk to Slack for a card, until when (epoch ms). A holder that dies leaves it to run out. */
export interface Lease {
  owner: string;
  since: number;
  until: number;
}

/**
 * A release's Slack message. Deliveries add notifications to the `inbox` (never touching Slack);
 * the one holding the lease folds them into `state`, shows it, and saves it as shown.
 */
export interface StoredCard<State> {
  channel: string;
  /** The message's ts, once posted. */
  ts?: string;
  /** What the message shows, as of `shownVersion`. */
  state?: State;
  /** Recorded, not yet shown, oldest first. */
  inbox: ReleaseNotification[];
  /** How many notifications the card has recorded. */
  version: number;
  shownVersion: number;
  lease?: Lease;
}

export interface CardStore<State> {
  get(key: string): Promise<StoredCard<State> | undefined>;
  /** Adds the notification to the card's inbox (creating the card for `channel`); answers the card's version once it holds it. A notification seen before adds nothing. */
  record(key: string, channel: string, notification: ReleaseNotification): Promise<number>;
  /** Takes the lease if it is free or has run out; answers the card as it was then (with a lease that ran out, if any), or undefined when another delivery holds it. */
  acquire(key: string, lease: Lease): Promise<StoredCard<State> | undefined>;
  /**
   * `record` and `acquire` in one write, when both can happen: answers the card as `acquire` does,
   * the notification in its inbox; undefined, writing nothing, when the notification was recorded
   * before or another delivery holds the lease (then `record` it, and wait for the card).
   */
  recordTaking(key: string, channel: string, notification: ReleaseNotification, lease: Lease): Promise<StoredCard<State> | undefined>;
  /**
   * Ends the lease now, saving nothing shown: its holder failed, maybe after posting (then `message`
   * says where). The next delivery takes it over as from a holder that died, and asks Slack what
   * else was posted.
   */
  expire(key: string, owner: string, message?: { channel: string; ts?: string }): Promise<boolean>;
  /**
   * Saves what Slack shows now (`state` after the inbox's first `folded`, as of `version`), and
   * where the message is when it was just posted or found, and frees the lease; false when `owner`
   * no longer held it.
   */
  release(key: string, owner: string, shown: { state: State; version: number; folded: number; message?: { channel: string; ts?: string } }): Promise<boolean>;
  /**
   * The card when its message can be updated in place without the lease: posted, nothing recorded
   * and not yet shown, no lease (not even one that ran out), the notification never seen.
   */
  updatable(key: string, notificationId: string): Promise<StoredCard<State> | undefined>;
  /**
   * Saves `state` as shown with the notification folded in, in one write, when the card is still as
   * `updatable` read it at `version`; false when anything came in between (then show it under the lease).
   */
  saveUpdated(key: string, version: number, state: State, notificationId: string): Promise<boolean>;
  /** The card a build or deployment belongs to, once its pipeline action has named it. */
  cardOf(externalId: string): Promise<string | undefined>;
  /** Names the card of a build or deployment, and hands back what was held for it (kept until it expires: a retry gets it again). */
  link(externalId: string, key: string): Promise<ReleaseNotification[]>;
  /** Keeps a notification until its card is known; answers the card instead when it already is. */
  hold(externalId: string, notification: ReleaseNotification): Promise<string | undefined>;
}

export interface SlackMessage {
  /** The notification text: what screen readers, push notifications and the webhook fallback show. */
  text: string;
  blocks: KnownBlock[];
}

/** Every Slack call of an invocation ends by `deadline` (epoch ms), Retry-After waits included. */
export interface SlackCallOptions {
  deadline: number;
}

export interface PostOptions extends SlackCallOptions {
  /** Carried in the message's metadata, so a post whose answer was lost can be found again. */
  key: string;
  threadTs?: string;
}

export interface Posted {
  channel: string;
  ts?: string;
  /** The post may have reached Slack twice: an attempt went unanswered and Slack could not say whether it was taken. */
  doubtful: boolean;
}

export interface Slack {
  /** A bot token can change a message it posted; an incoming webhook cannot, so each event is a new message. */
  readonly updatesInPlace: boolean;
  /** Posts a message (a threaded reply with `threadTs`); answers the channel's id and the message's ts, which `update` needs. */
  post(channel: string, message: SlackMessage, options: PostOptions): Promise<Posted>;
  update(channel: string, ts: string, message: SlackMessage, options: SlackCallOptions): Promise<void>;
  /**
   * The keys of the messages posted to the channel (or to the thread of `threadTs`) since `since`
   * (epoch ms), with where they are; undefined when Slack cannot tell (a webhook, a missing scope).
   */
  postedSince(channel: string, since: number, options: SlackCallOptions & { threadTs?: string }): Promise<Map<string, { channel: string; ts: string }> | undefined>;
}

/** Slack refused the call for a reason a retry cannot change (a missing channel, a bad token, a malformed message). */
export class SlackRefused extends Error {
  override name = 'SlackRefused';
}

/** Who a person is to Slack, and the answers only they see (act-from-slack). */
export interface SlackPeople {
  /** Which of `groups` (user group ids) the user is in (scope usergroups:read). */
  groupsOfUser(userId: string, groups: string[]): Promise<string[]>;
  /** The ephemeral answer to the person who pressed, through the press's response_url. */
  answer(responseUrl: string, text: string): Promise<void>;
  /** The same, where there is no response_url (a modal's submission): chat.postEphemeral in the card's channel. */
  answerInChannel(channel: string, user: string, text: string): Promise<void>;
}

/** Slack's modals (views.open), opened with a press's trigger_id within its 3 seconds. */
export interface SlackModals {
  open(triggerId: string, view: object): Promise<void>;
}

/** Hands a claimed press to act-from-slack without waiting for it (an asynchronous Lambda invocation). */
export interface ClickDispatch {
  dispatch(click: Click): Promise<void>;
}
