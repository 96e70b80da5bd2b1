import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, awsJsonService, awsQueryService, NoAnswer } from '../../../shared/aws/signed-call';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

type Reply = { status: number; body: string; headers?: Record<string, string> } | 'hang';

/** AWS on loopback: answers each call with the next reply (the last one again when they run out). */
async function serve(...replies: Reply[]): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const reply = replies[Math.min(received.length, replies.length) - 1]!;
      if (reply === 'hang') return;
      response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0', ...reply.headers }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };
const dynamoDb = (endpoint: string) => awsJsonService({ service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', version: '1.0', region: 'eu-west-1', endpoint, credentials });
const CONDITION_FAILED = { status: 400, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' }) };
const THROTTLED = { status: 400, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', message: 'Slow down' }) };

describe('awsJsonService', () => {
  it('signs the call for the service and region, with the session token, and names the operation', async () => {
    const aws = await serve({ status: 200, body: '{"Item":{"pk":{"S":"a"}}}' });
    try {
      expect(await dynamoDb(aws.url)('GetItem', { TableName: 't' })).toEqual({ Item: { pk: { S: 'a' } } });
      const [{ headers, body }] = aws.received as [Received];
      expect(body).toBe('{"TableName":"t"}');
      expect(headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
      expect(headers['content-type']).toBe('application/x-amz-json-1.0');
      expect(headers['x-amz-security-token']).toBe('session-token');
      expect(headers.authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${headers['x-amz-date']!.toString().slice(0, 8)}/eu-west-1/dynamodb/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$`),
      );
    } finally {
      await aws.close();
    }
  });

  it('gives AWS\'s error code and message, and does not retry what a retry cannot get past', async () => {
    const aws = await serve(CONDITION_FAILED);
    try {
      const error = await dynamoDb(aws.url)('PutItem', {}).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AwsError);
      expect(error).toMatchObject({ code: 'ConditionalCheckFailedException', name: 'ConditionalCheckFailedException', status: 400, message: 'ConditionalCheckFailedException: The conditional request failed' });
      expect(aws.received).toHaveLength(1);
    } finally {
      await aws.close();
    }
  });

  it('retries throttling and 5xx, as the SDK\'s standard mode does, and answers with the call that got through', async () => {
    const aws = await serve(THROTTLED, { status: 503, body: '' }, { status: 200, body: '{}' });
    try {
      expect(await dynamoDb(aws.url)('PutItem', {})).toEqual({});
      expect(aws.received).toHaveLength(3);
    } finally {
      await aws.close();
    }
  });

  it('gives up after three attempts with the last error', async () => {
    const aws = await serve(THROTTLED);
    try {
      await expect(dynamoDb(aws.url)('PutItem', {})).rejects.toMatchObject({ code: 'ProvisionedThroughputExceededException' });
      expect(aws.received).toHaveLength(3);
    } finally {
      await aws.close();
    }
  });

  it('says which service did not answer in time, after trying three times', async () => {
    const aws = await serve('hang');
    process.env.RC_AWS_REQUEST_TIMEOUT_MS = '200';
    try {
      const error = await dynamoDb(aws.url)('GetItem', {}).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NoAnswer);
      expect((error as Error).message).toMatch(/^dynamodb at 127\.0\.0\.1:\d+ did not answer: /);
      expect(aws.received).toHaveLength(3);
    } finally {
      delete process.env.RC_AWS_REQUEST_TIMEOUT_MS;
      await aws.close();
    }
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_<SERVICE> before AWS_ENDPOINT_URL', async () => {
    const [service, elsewhere] = [await serve({ status: 200, body: '{}' }), await serve({ status: 200, body: '{}' })];
    Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: service.url, AWS_ENDPOINT_URL: elsewhere.url });
    try {
      await awsJsonService({ service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', version: '1.0', credentials })('GetItem', {});
      expect([service.received.length, elsewhere.received.length]).toEqual([1, 0]);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      delete process.env.AWS_ENDPOINT_URL;
      await Promise.all([service.close(), elsewhere.close()]);
    }
  });

  it('says which credentials are missing when the environment has none', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      await expect(awsJsonService({ service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', version: '1.0', endpoint: 'http://127.0.0.1:9' })('GetItem', {})).rejects.toThrow('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    } finally {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: saved.id, AWS_SECRET_ACCESS_KEY: saved.secret });
    }
  });

  it("reads the function's role from the environment once and keeps it, as Lambda sets it once a container", async () => {
    const aws = await serve({ status: 200, body: '{}' });
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    try {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDFIRST', AWS_SECRET_ACCESS_KEY: 'first-secret' });
      const call = awsJsonService({ service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', version: '1.0', endpoint: aws.url });
      await call('GetItem', {});
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDSECOND', AWS_SECRET_ACCESS_KEY: 'second-secret' });
      await call('GetItem', {});
      expect(aws.received.map(({ headers }) => /Credential=(\w+)\//.exec(String(headers.authorization))?.[1])).toEqual(['AKIDFIRST', 'AKIDFIRST']);
    } finally {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: saved.id, AWS_SECRET_ACCESS_KEY: saved.secret });
      await aws.close();
    }
  });

  it('does not retry credentials that cannot be had', async () => {
    const credentials = jest.fn(() => Promise.reject(new Error('AssumeRole of arn:aws:iam::111122223333:role/member answered no credentials')));
    await expect(awsJsonService({ service: 'dynamodb', targetPrefix: 'DynamoDB_20120810', version: '1.0', endpoint: 'http://127.0.0.1:9', credentials })('GetItem', {})).rejects.toThrow('answered no credentials');
    expect(credentials).toHaveBeenCalledTimes(1);
  });
});

describe('awsQueryService', () => {
  const sns = (endpoint: string) => awsQueryService({ service: 'sns', version: '2010-03-31', region: 'us-east-1', endpoint, credentials });

  it('sends the action and its parameters as a form', async () => {
    const aws = await serve({ status: 200, body: '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>' });
    try {
      await sns(aws.url)('Publish', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:releases', Message: '{"a":"b c"}' });
      const [{ headers, body }] = aws.received as [Received];
      expect(Object.fromEntries(new URLSearchParams(body))).toEqual({ Action: 'Publish', Version: '2010-03-31', TopicArn: 'arn:aws:sns:us-east-1:123456789012:releases', Message: '{"a":"b c"}' });
      expect(headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
      expect(headers.authorization).toContain('/us-east-1/sns/aws4_request');
    } finally {
      await aws.close();
    }
  });

  it('reads the error code and message from the XML answer', async () => {
    // https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html
    const aws = await serve({ status: 404, body: '<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>' });
    try {
      await expect(sns(aws.url)('Publish', {})).rejects.toMatchObject({ code: 'NotFound', message: 'NotFound: Topic does not exist' });
      expect(aws.received).toHaveLength(1);
    } finally {
      await aws.close();
    }
  });
});
