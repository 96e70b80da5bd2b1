import releasePolicy from '../../release-policy.yml';
import { clicks, home, notifications, people, pipelineControl, pipelines, region, sourceReader } from '../../shared/adapters';
import { placePolicy } from '../../shared/policy-rules';
import { withObservability } from '../../shared/middleware';
import { handle } from './handle';

const policy = placePolicy(releasePolicy, home());
const deps = {
  policy,
  control: pipelineControl(policy),
  clicks: clicks(),
  people: people(),
  pipelines: pipelines(policy),
  source: sourceReader(policy),
  notifications: notifications(),
  region: region(),
  now: () => new Date(),
};

export const handler = withObservability<unknown, unknown>('act-from-slack').handler((event) => handle(event, deps));
