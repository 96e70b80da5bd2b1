import type { ClickDispatch } from '../ports';
import { awsService, jsonError } from './signed-call';

/**
 * An asynchronous invocation of act-from-slack: Lambda queues it and answers at once (202).
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export function lambdaClickDispatch(functionName: string): ClickDispatch {
  const invoke = awsService({ service: 'lambda', path: `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations` });
  return {
    async dispatch(click) {
      await invoke({ 'content-type': 'application/json', 'x-amz-invocation-type': 'Event' }, JSON.stringify(click), jsonError);
    },
  };
}
