import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ClickDispatch } from '../ports';

/** An asynchronous invocation of act-from-slack: Lambda queues it and answers at once (202). */
export function lambdaClickDispatch(client: LambdaClient, functionName: string): ClickDispatch {
  return {
    async dispatch(click) {
      await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(click)) }));
    },
  };
}
