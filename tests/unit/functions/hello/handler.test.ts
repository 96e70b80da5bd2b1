import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler } from '../../../../functions/hello/handler';
import getName from '../../../../events/samples/apigateway/http-api-get-hello-name.json';
import getRoot from '../../../../events/samples/apigateway/http-api-get-root.json';
import { captureOutput, lambdaContext } from '../../../support/lambda-context';

const context = lambdaContext('release-conductor-test-hello');

function withName(name: string): APIGatewayProxyEventV2 {
  return { ...getName, rawPath: `/hello/${name}`, pathParameters: { name } };
}

describe('hello handler', () => {
  it('answers GET / with Hello World and a timestamp, as JSON', async () => {
    const response = await handler(getRoot as APIGatewayProxyEventV2, context);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(response.body ?? '');
    expect(body.output).toBe('Hello World');
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
  });

  it('answers GET /hello/{name} with a greeting', async () => {
    const response = await handler(getName as APIGatewayProxyEventV2, context);
    expect(response).toMatchObject({ statusCode: 200, body: '{"output":"Hello mincloud"}' });
  });

  it('answers a bad name with 400 JSON, a warning log and a RejectedRequests metric', async () => {
    const { result, lines } = await captureOutput(() => handler(withName('%3Cscript%3E'), context));
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(result.body ?? '')).toEqual({
      error: 'InvalidName',
      message: "a name is 1-64 characters: letters or digits in any script, space, '-', '_' or '.'; got other characters",
    });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'rejected request', code: 'InvalidName' }));
    expect(lines).toContainEqual(expect.objectContaining({ RejectedRequests: 1 }));
  });

  it('flushes a Greetings metric in the configured namespace', async () => {
    const { lines } = await captureOutput(() => handler(getName as APIGatewayProxyEventV2, context));
    const emf = lines.find((line) => 'Greetings' in line) as { _aws: { CloudWatchMetrics: { Namespace: string }[] } };
    expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe('ReleaseConductor');
  });
});
