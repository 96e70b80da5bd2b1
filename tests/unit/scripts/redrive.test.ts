import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { redriveFile, redriveOf } from '../../../scripts/redrive';
import { sample } from '../../support/samples';

const event = sample<{ id: string }>('codebuild/build-failed.json');

describe('redriveOf', () => {
  it('sends our own dead letter back to its function on the stage', () => {
    expect(redriveOf(JSON.stringify({ functionName: 'on-build', reason: 'detail.build-status: ...', event }), {}, 'prod')).toEqual({ kind: 'invoke', functionName: 'release-conductor-prod-on-build', event });
  });

  it('keeps a letter whose event was too large to store whole', () => {
    expect(redriveOf(JSON.stringify({ functionName: 'on-build', reason: 'r', truncatedEvent: '{"id":' }), {}, 'prod')).toEqual({ kind: 'skip', reason: expect.stringContaining('truncatedEvent') });
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (invocation record)
  it("sends Lambda's on-failure record back to the function it names", () => {
    const record = {
      version: '1.0',
      timestamp: '2026-11-25T12:00:00.000Z',
      requestContext: { requestId: 'e4b46cbf-b738-xmpl-8880-a18cdf61200e', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:release-conductor-prod-on-build:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorMessage: 'Rate exceeded' },
    };
    expect(redriveOf(JSON.stringify(record), {}, 'prod')).toEqual({ kind: 'invoke', functionName: 'arn:aws:lambda:us-east-1:123456789012:function:release-conductor-prod-on-build', event });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html (the event, with RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE attributes)
  it("sends an EventBridge rule's dead letter to the target it names", () => {
    const target = 'arn:aws:lambda:us-east-1:123456789012:function:release-conductor-prod-on-build';
    expect(redriveOf(JSON.stringify(event), { RULE_ARN: 'arn:aws:events:us-east-1:123456789012:rule/r', TARGET_ARN: target, ERROR_CODE: 'SDK_CLIENT_ERROR' }, 'prod')).toEqual({ kind: 'invoke', functionName: target, event });
  });

  // https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html: the notification SNS could not deliver
  it('publishes an undelivered SNS notification to its topic again, with its attributes', () => {
    const undelivered = {
      Type: 'Notification',
      MessageId: 'd2f3a5c4-0000-4000-8000-000000000001',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:release-conductor-prod-releases',
      Message: '{"id":"e-1"}',
      Timestamp: '2026-11-25T12:00:00.000Z',
      MessageAttributes: { kind: { Type: 'String', Value: 'build' } },
    };
    expect(redriveOf(JSON.stringify(undelivered), {}, 'prod')).toEqual({
      kind: 'publish',
      topicArn: undelivered.TopicArn,
      message: '{"id":"e-1"}',
      attributes: { kind: { DataType: 'String', StringValue: 'build' } },
    });
  });

  it('keeps what it does not recognise', () => {
    expect(redriveOf('{"hello":1}', {}, 'prod')).toEqual({ kind: 'skip', reason: 'not a dead letter this stack writes' });
    expect(redriveOf('nope', {}, 'prod')).toEqual({ kind: 'skip', reason: 'not JSON' });
  });
});

describe('redriveFile', () => {
  it('invokes each letter asynchronously and leaves only what could not be sent in the file', async () => {
    const lambda = mockClient(LambdaClient);
    const sns = mockClient(SNSClient);
    lambda.on(InvokeCommand, { FunctionName: 'release-conductor-local-on-build' }).resolves({ StatusCode: 202 });
    lambda.on(InvokeCommand, { FunctionName: 'release-conductor-local-on-deploy' }).rejects(new Error('Function not found'));
    const file = join(mkdtempSync(join(tmpdir(), 'rc-redrive-')), 'dead-letters.jsonl');
    const deploy = JSON.stringify({ functionName: 'on-deploy', reason: 'r', event: { id: 'd' } });
    writeFileSync(file, [JSON.stringify({ functionName: 'on-build', reason: 'r', event }), deploy, 'garbage', ''].join('\n'));

    const result = await redriveFile(file, 'local', { lambda: new LambdaClient({ region: 'us-east-1' }), sns: new SNSClient({ region: 'us-east-1' }) });
    expect(result).toEqual({ sent: 1, kept: [{ reason: 'Function not found' }, { reason: 'not JSON' }] });
    expect(lambda.commandCalls(InvokeCommand)[0]!.args[0].input).toMatchObject({ FunctionName: 'release-conductor-local-on-build', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array).toString())).toEqual(event);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(readFileSync(file, 'utf8')).toBe(`${deploy}\ngarbage\n`);
  });
});
