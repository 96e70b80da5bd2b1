import policy from '../../release-policy.yml';
import { clicks, notifications, people, pipelineControl, pipelines, region, sourceReader } from '../../shared/adapters';
import { withObservability } from '../../shared/middleware';
import { handle } from './handle';

const deps = {
  policy,
  control: pipelineControl(),
  clicks: clicks(),
  people: people(),
  pipelines: pipelines(),
  source: sourceReader(),
  notifications: notifications(),
  region: region(),
  now: () => new Date(),
};

export const handler = withObservability<unknown, unknown>('act-from-slack').handler((event) => handle(event, deps));
