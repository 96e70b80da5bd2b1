import { functionOfSample, type FunctionName } from './handler-harness';
import { eventSampleFiles, sample } from './samples';

export interface MalformedEvent {
  name: string;
  fn: Exclude<FunctionName, 'hello' | 'notifySlack'>;
  event: unknown;
}

const ENVELOPE = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];
// the detail fields each source must send, by the schemas in shared/events.ts
const REQUIRED_DETAIL: Record<string, string[]> = {
  codecommit: ['event', 'repositoryName', 'referenceType', 'referenceName'],
  codebuild: ['build-status', 'project-name', 'build-id'],
  codedeploy: ['application', 'deploymentGroup', 'deploymentId', 'state'],
  codepipeline: ['pipeline', 'execution-id', 'state'],
  cloudwatch: ['alarmName', 'state', 'previousState'],
};
const STATE_FIELD: Record<string, string> = { codecommit: 'event', codebuild: 'build-status', codedeploy: 'state', codepipeline: 'state', cloudwatch: 'state' };
const NAME_FIELD: Record<string, string> = { codecommit: 'referenceName', codebuild: 'project-name', codedeploy: 'application', codepipeline: 'pipeline', cloudwatch: 'alarmName' };

const without = (object: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(object).filter(([name]) => name !== key));

/**
 * Events no function can use, made from AWS's samples: each envelope field missing or of the wrong
 * type, each required detail field missing, wrongly typed or huge, unknown states, wrong sources
 * and detail types, and payloads that are not events at all (truncated JSON, null, arrays).
 */
export function malformedEvents(): MalformedEvent[] {
  const corpus: MalformedEvent[] = [];
  for (const file of eventSampleFiles()) {
    const folder = file.split('/')[0]!;
    const fn = functionOfSample(file);
    const base = sample<Record<string, unknown> & { detail: Record<string, unknown> }>(file);
    const add = (what: string, event: unknown) => corpus.push({ name: `${file}: ${what}`, fn, event });
    for (const field of ENVELOPE) add(`without ${field}`, without(base, field));
    add('id as a number', { ...base, id: 42 });
    add('time not a date', { ...base, time: 'yesterday' });
    add('resources as a string', { ...base, resources: 'arn:aws:codepipeline:us-east-1:123456789012:MyFirstPipeline' });
    add('detail as a list', { ...base, detail: [] });
    add('another source', { ...base, source: 'aws.s3' });
    add('another detail type', { ...base, 'detail-type': 'Object Created' });
    for (const field of REQUIRED_DETAIL[folder]!) {
      add(`without detail.${field}`, { ...base, detail: without(base.detail, field) });
      add(`detail.${field} as a number`, { ...base, detail: { ...base.detail, [field]: 7 } });
    }
    add('an unknown state', { ...base, detail: { ...base.detail, [STATE_FIELD[folder]!]: 'EXPLODED' } });
    add('a huge name', { ...base, detail: { ...base.detail, [NAME_FIELD[folder]!]: 'x'.repeat(100_000) } });
    add('truncated JSON', JSON.stringify(base).slice(0, 120));
  }
  for (const fn of new Set(eventSampleFiles().map(functionOfSample))) {
    for (const [what, event] of [['null', null], ['a number', 42], ['a list', []], ['an empty object', {}]] as const) corpus.push({ name: `${fn}: ${what}`, fn, event });
  }
  return corpus;
}
