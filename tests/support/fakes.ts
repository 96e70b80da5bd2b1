import { shortBuildId } from '../../shared/build-id';
import { deadLetterMessage } from '../../shared/dead-letter';
import { factKey, type Deployment, type DoraFact, type Rollback } from '../../shared/dora';
import {
  SlackRefused,
  type BuildRecord,
  type CardStore,
  type ClickAudit,
  type ClickLedger,
  type Commit,
  type DeadLetters,
  type DeploymentOutcome,
  type DeploymentRecord,
  type Deployments,
  type ExecutionLink,
  type ExecutionRevision,
  type ExecutionStep,
  type Ledger,
  type Lease,
  type Notifications,
  type PipelineStart,
  type Pipelines,
  type PushRecord,
  type Slack,
  type SlackMessage,
  type SourceReader,
  type StoredCard,
} from '../../shared/ports';
import type { Place } from '../../shared/policy-rules';
import { ReleaseNotification } from '../../shared/event-schemas/release-notification';
import { bounded } from '../../shared/release-notification';

// In-memory ports for the unit tests: each answers as its adapter does (shared/aws, shared/slack),
// keeps what was written, and lets the test read it back.

/** The ledger with ledger-table.ts's semantics, item for item; tests/support/ledger-contract.ts checks them. */
export function memoryLedger() {
  const pushes = new Map<string, PushRecord>();
  const steps = new Map<string, ExecutionStep>();
  /** Per pipeline, by fact key: the table's `DORA#` items, each a fact and those it carries. */
  const facts = new Map<string, Map<string, DoraFact[]>>();
  const builds = new Map<string, BuildRecord>();
  const deployments = new Map<string, DeploymentRecord>();
  /** Per `BUILD#id` or `DEPLOYMENT#id`, by `pipeline#executionId`. */
  const links = new Map<string, Map<string, ExecutionLink>>();

  const sorted = <T>(items: Map<string, T> | undefined) => [...(items ?? new Map<string, T>()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const linkKey = (kind: ExecutionLink['kind'], id: string) => (kind === 'build' ? `BUILD#${shortBuildId(id)}` : `DEPLOYMENT#${id}`);
  const ledger: Ledger = {
    async recordPush(push) {
      const key = [push.commitId, push.repository, push.branch].join('#');
      const known = pushes.get(key);
      if (!known) pushes.set(key, structuredClone(push));
      return known?.eventId !== push.eventId;
    },
    async recordStep(step) {
      const key = [step.pipeline, step.executionId, step.at, step.eventId].join('#');
      const known = steps.has(key);
      steps.set(key, structuredClone(step));
      return !known;
    },
    async claimFact(fact, carried = []) {
      const claimed = facts.get(fact.pipeline) ?? new Map<string, DoraFact[]>();
      facts.set(fact.pipeline, claimed);
      if (claimed.has(factKey(fact))) return false;
      claimed.set(factKey(fact), structuredClone([fact, ...carried]));
      return true;
    },
    async facts(pipeline) {
      return sorted(facts.get(pipeline)).flatMap(([, item]) => structuredClone(item));
    },
    async recordBuild(build) {
      const known = builds.get(shortBuildId(build.buildId));
      if (known && known.at > build.at) return true;
      builds.set(shortBuildId(build.buildId), structuredClone(build));
      return known?.eventId !== build.eventId;
    },
    async recordDeployment(deployment) {
      const known = deployments.get(deployment.deploymentId);
      if (known && known.at > deployment.at) return true;
      deployments.set(deployment.deploymentId, structuredClone(deployment));
      return known?.eventId !== deployment.eventId;
    },
    async linkToExecution(link) {
      const key = linkKey(link.kind, link.id);
      links.set(key, (links.get(key) ?? new Map()).set(`${link.pipeline}#${link.executionId}`, structuredClone(link)));
    },
    async executionOf(kind, id) {
      const [first] = sorted(links.get(linkKey(kind, id)));
      return first && { pipeline: first[1].pipeline, executionId: first[1].executionId };
    },
  };
  return {
    ...ledger,
    /** Every push kept: the first of each commit to each branch. */
    pushes: async (commitId?: string) => structuredClone(sorted(pushes).map(([, push]) => push).filter((push) => commitId === undefined || push.commitId === commitId)),
    /** An execution's timeline, in time order. */
    steps: (pipeline: string, executionId: string) => structuredClone(sorted(steps).map(([, step]) => step).filter((step) => step.pipeline === pipeline && step.executionId === executionId)),
    /** What the ledger keeps of a build, by the id CodeBuild or CodePipeline gives it. */
    build: async (buildId: string) => structuredClone(builds.get(shortBuildId(buildId))),
    deployment: async (deploymentId: string) => structuredClone(deployments.get(deploymentId)),
  };
}

/** The SNS topic: keeps each notification as notify-slack would receive it (clipped, through JSON, checked against the schema). */
/** The topic; its first `failures` publishes throw, as SNS does when it is unavailable. */
export function memoryNotifications({ failures = 0 } = {}): Notifications & { published: ReleaseNotification[] } {
  const published: ReleaseNotification[] = [];
  let failing = failures;
  return {
    published,
    async publish(notifications) {
      if (failing-- > 0) throw new Error('SNS unavailable');
      for (const notification of notifications) published.push(ReleaseNotification.parse(JSON.parse(JSON.stringify(bounded(notification)))));
    },
  };
}

/** An action of a pipeline execution, as ListActionExecutions lists it. */
export interface ListedAction {
  pipeline: string;
  executionId: string;
  stage: string;
  action: string;
  externalExecutionId?: string;
}

/**
 * CodePipeline: `start` answers the same execution for the same request token, as
 * StartPipelineExecution does; the revisions and actions are the test's (actions newest first, as
 * ListActionExecutions lists them); an execution the test does not give has no commit revision.
 */
export function memoryPipelines({ revisions = [], actions = [], deployments = [], rollbacks = [] }: { revisions?: ({ pipeline: string; executionId: string } & ExecutionRevision)[]; actions?: ListedAction[]; deployments?: Deployment[]; rollbacks?: Rollback[] } = {}) {
  const starts: PipelineStart[] = [];
  const reads: string[] = [];
  const executions = new Map<string, string>();
  const pipelines: Pipelines = {
    async start(request) {
      starts.push(structuredClone(request));
      const executionId = executions.get(request.clientRequestToken) ?? `exec-${executions.size + 1}`;
      executions.set(request.clientRequestToken, executionId);
      return { executionId };
    },
    async executionRevision(pipeline, executionId, sourceAction, sourceProvider = 'CodeCommit') {
      reads.push(`executionRevision ${pipeline} ${executionId} ${sourceAction} ${sourceProvider}`);
      const found = revisions.find((revision) => revision.pipeline === pipeline && revision.executionId === executionId);
      // a connection's commit only where the policy says the source is one, as the adapter reads it
      const connection = sourceProvider === 'CodeStarSourceConnection' ? found?.connection : undefined;
      return found && structuredClone({ commitId: found.commitId, committedAt: found.committedAt, variables: found.variables, connection, trigger: found.trigger });
    },
    async actionExecutions(pipeline, executionId) {
      reads.push(`actionExecutions ${pipeline} ${executionId}`);
      return actions.filter((listed) => listed.pipeline === pipeline && listed.executionId === executionId).map(({ stage, action, externalExecutionId }) => ({ stage, action, externalExecutionId }));
    },
    async history(pipeline, { before }) {
      reads.push(`history ${pipeline} ${before}`);
      return structuredClone({
        deployments: deployments.filter((deployment) => deployment.pipeline === pipeline && Date.parse(deployment.deployedAt) <= Date.parse(before)).sort((a, b) => Date.parse(b.deployedAt) - Date.parse(a.deployedAt)),
        rollbacks: rollbacks.filter((rollback) => rollback.pipeline === pipeline && Date.parse(rollback.endedAt) <= Date.parse(before)).sort((a, b) => Date.parse(b.endedAt) - Date.parse(a.endedAt)),
      });
    },
    async findActionExecution(pipeline, externalExecutionId) {
      reads.push(`findActionExecution ${pipeline} ${externalExecutionId}`);
      const found = actions.filter((listed) => listed.pipeline === pipeline).slice(0, 100).find((listed) => listed.externalExecutionId === externalExecutionId);
      return found && { executionId: found.executionId, stage: found.stage, action: found.action };
    },
  };
  return { ...pipelines, starts, reads };
}

/** A commit as the fake CodeCommit holds it: with its parents' ids (none: a first commit). */
type GraphCommit = Commit & { parents?: string[] };

/**
 * CodeCommit holding `commits`, with `changedPaths` between any two of them; a commit it does not
 * hold is an error, as in CodeCommit. commitsBetween reads the whole graph, exactly; its commit date
 * is `authoredAt`.
 */
export function memorySource(commits: GraphCommit[], changedPaths: string[] = []): SourceReader & { reads: string[] } {
  const reads: string[] = [];
  const find = (repository: string, commitId: string) => {
    const found = commits.find((candidate) => candidate.commitId === commitId);
    if (!found) throw new Error(`CommitDoesNotExistException: ${commitId} is not in ${repository}`);
    const { parents = [], ...commit } = found;
    return { commit: structuredClone(commit), parents };
  };
  /** Every commit `start` reaches, not entering `stop`. */
  const reach = (repository: string, start: string, stop = new Set<string>()) => {
    const reached = new Set<string>();
    const queue = [start];
    for (const commitId of queue) {
      if (reached.has(commitId) || stop.has(commitId)) continue;
      reached.add(commitId);
      queue.push(...find(repository, commitId).parents);
    }
    return reached;
  };
  return {
    reads,
    async getCommit(repository, commitId) {
      reads.push(`getCommit ${repository} ${commitId}`);
      return find(repository, commitId).commit;
    },
    async changedPaths(repository, before, after) {
      reads.push(`changedPaths ${repository} ${before}..${after}`);
      return [...changedPaths];
    },
    async commitsBetween(repository, fromCommitId, toCommitId, limit) {
      reads.push(`commitsBetween ${repository} ${fromCommitId ?? ''}..${toCommitId}`);
      const range = [...reach(repository, toCommitId, fromCommitId === undefined ? undefined : reach(repository, fromCommitId))]
        .map((commitId) => find(repository, commitId).commit)
        .sort((a, b) => (b.authoredAt ?? '').localeCompare(a.authoredAt ?? ''));
      return { commits: range.slice(0, limit), complete: range.length <= limit };
    },
  };
}

/** CodeDeploy's GetDeployment for the deployments the test gives; any other is an error, as in CodeDeploy. */
export function memoryDeployments(outcomes: Record<string, DeploymentOutcome>): Deployments & { asked: string[]; askedAt: Place[] } {
  const asked: string[] = [];
  const askedAt: Place[] = [];
  return {
    asked,
    askedAt,
    async outcome(deploymentId, at) {
      asked.push(deploymentId);
      askedAt.push(at);
      const outcome = outcomes[deploymentId];
      if (!outcome) throw new Error(`DeploymentDoesNotExistException: ${deploymentId}`);
      return structuredClone(outcome);
    },
  };
}

/** A dead letter as the queue's message body says it: the event, or its start when it was too large. */
export interface DeadLetter {
  functionName: string;
  reason: string;
  event?: unknown;
  truncatedEvent?: string;
}

/** The dead-letter queue. */
export function memoryDeadLetters(): DeadLetters & { letters: DeadLetter[] } {
  const letters: DeadLetter[] = [];
  return {
    letters,
    async send({ functionName, reason, event }) {
      letters.push(JSON.parse(deadLetterMessage(functionName, reason, event).MessageBody));
    },
  };
}

/** The clicks' conditional writes (click-table.ts): a press claimed once, an intent held until it runs out, the audit kept. */
export function memoryClicks(now: () => Date = () => new Date()): ClickLedger & { audits: ClickAudit[]; intents: Map<string, { holder: string; until: number }> } {
  const claimed = new Set<string>();
  const intents = new Map<string, { holder: string; until: number }>();
  const audits: ClickAudit[] = [];
  return {
    audits,
    intents,
    async claimClick(clickId) {
      if (claimed.has(clickId)) return false;
      claimed.add(clickId);
      return true;
    },
    async claimIntent(intent, holder, untilSeconds) {
      const held = intents.get(intent);
      if (held && held.until >= Math.floor(now().getTime() / 1000) && held.holder !== holder) return false;
      intents.set(intent, { holder, until: untilSeconds });
      return true;
    },
    async releaseIntent(intent, holder) {
      if (intents.get(intent)?.holder === holder) intents.delete(intent);
    },
    audit: async (entry) => void audits.push({ ...entry }),
  };
}

interface MemoryCard<State> extends StoredCard<State> {
  seen: Set<string>;
}

/** Cards with card-table.ts's conditional writes: recorded once per notification, shown under a lease. */
export function memoryCards<State>(): CardStore<State> {
  const cards = new Map<string, MemoryCard<State>>();
  const aliases = new Map<string, { cardKey?: string; held: ReleaseNotification[] }>();
  const snapshot = ({ channel, ts, state, inbox, version, shownVersion, lease }: MemoryCard<State>): StoredCard<State> => structuredClone({ channel, ts, state, inbox, version, shownVersion, lease });
  const held = (key: string, owner: string) => {
    const card = cards.get(key);
    return card?.lease?.owner === owner ? card : undefined;
  };

  return {
    get: async (key) => {
      const card = cards.get(key);
      return card && snapshot(card);
    },
    async record(key, channel, notification) {
      const card = cards.get(key) ?? { channel, inbox: [], version: 0, shownVersion: 0, seen: new Set<string>() };
      cards.set(key, card);
      if (card.seen.has(notification.id)) return card.version;
      card.seen.add(notification.id);
      card.inbox.push(structuredClone(notification));
      card.version += 1;
      return card.version;
    },
    async acquire(key, lease: Lease) {
      const card = cards.get(key);
      if (!card || (card.lease && card.lease.until >= lease.since)) return undefined;
      const before = snapshot(card);
      card.lease = { ...lease };
      return before;
    },
    async recordTaking(key, channel, notification, lease) {
      const card = cards.get(key);
      if (card && (card.seen.has(notification.id) || (card.lease && card.lease.until >= lease.since))) return undefined;
      await this.record(key, channel, notification);
      return this.acquire(key, lease);
    },
    async expire(key, owner, message) {
      const card = held(key, owner);
      if (!card) return false;
      if (message) card.channel = message.channel;
      if (message?.ts) card.ts = message.ts;
      card.lease!.until = Date.now() - 1;
      return true;
    },
    async release(key, owner, { state, version, folded, message }) {
      const card = held(key, owner);
      if (!card) return false;
      if (message) card.channel = message.channel;
      if (message?.ts) card.ts = message.ts;
      card.state = structuredClone(state);
      card.shownVersion = version;
      card.inbox.splice(0, folded);
      delete card.lease;
      return true;
    },
    async updatable(key, notificationId) {
      const card = cards.get(key);
      if (!card?.ts || card.lease || card.seen.has(notificationId) || card.state === undefined || card.shownVersion !== card.version) return undefined;
      return snapshot(card);
    },
    async saveUpdated(key, version, state, notificationId) {
      const card = cards.get(key);
      if (!card || card.version !== version || card.shownVersion !== version || card.lease || card.seen.has(notificationId)) return false;
      card.seen.add(notificationId);
      Object.assign(card, { state: structuredClone(state), version: version + 1, shownVersion: version + 1 });
      return true;
    },
    cardOf: async (externalId) => aliases.get(externalId)?.cardKey,
    async link(externalId, key) {
      const alias = aliases.get(externalId) ?? { held: [] };
      aliases.set(externalId, { ...alias, cardKey: key });
      return structuredClone(alias.held);
    },
    async hold(externalId, notification) {
      const alias = aliases.get(externalId) ?? { held: [] };
      if (alias.cardKey) return alias.cardKey;
      aliases.set(externalId, { held: [...alias.held, structuredClone(notification)] });
      return undefined;
    },
  };
}

/** A message in a channel, or a reply in a thread (`threadTs`), with the key it carries as metadata. */
export interface PostedMessage extends SlackMessage {
  channel: string;
  ts: string;
  key: string;
  threadTs?: string;
  postedAt: number;
}

export interface SlackCall {
  method: 'post' | 'update';
  channel: string;
  ts: string;
  threadTs?: string;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

/**
 * Slack with a bot token (bot.ts): a post answers the channel's id and a new ts, an update changes
 * the message in place (one that is not there is refused), and the history answers the keys posted.
 * `messages` are what the channels show; `calls`, each call with the channel as it was named.
 */
export function memorySlack(): Slack & { messages: PostedMessage[]; calls: SlackCall[] } {
  const messages: PostedMessage[] = [];
  const calls: SlackCall[] = [];
  const channelIds = new Map<string, string>();
  const channelId = (channel: string) => {
    if (CHANNEL_ID.test(channel)) return channel;
    const name = channel.replace(/^#/, '');
    if (!channelIds.has(name)) channelIds.set(name, `C${String(channelIds.size + 1).padStart(8, '0')}`);
    return channelIds.get(name)!;
  };
  let posts = 0;

  return {
    messages,
    calls,
    updatesInPlace: true,
    async post(channel, { text, blocks }, { key, threadTs }) {
      posts += 1;
      const message: PostedMessage = { channel: channelId(channel), ts: `${Math.floor(Date.now() / 1000)}.${String(posts).padStart(6, '0')}`, key, threadTs, text, blocks: structuredClone(blocks), postedAt: Date.now() };
      messages.push(message);
      calls.push({ method: 'post', channel, ts: message.ts, threadTs });
      return { channel: message.channel, ts: message.ts, doubtful: false };
    },
    async update(channel, ts, { text, blocks }) {
      const message = messages.find((candidate) => candidate.channel === channelId(channel) && candidate.ts === ts);
      if (!message) throw new SlackRefused("Slack's chat.update answered message_not_found");
      Object.assign(message, { text, blocks: structuredClone(blocks) });
      calls.push({ method: 'update', channel, ts });
    },
    async postedSince(channel, since, { threadTs }) {
      const inView = (message: PostedMessage) => (threadTs ? message.ts === threadTs || message.threadTs === threadTs : message.threadTs === undefined);
      const found = messages.filter((message) => message.channel === channelId(channel) && message.postedAt >= since && inView(message));
      return new Map(found.map((message) => [message.key, { channel: message.channel, ts: message.ts }]));
    },
  };
}
