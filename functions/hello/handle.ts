import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { jsonResponse } from '../../shared/http';
import { metrics, MetricUnit } from '../../shared/metrics';
import { greet, helloWorld, parseName } from './greeting';

/** GET / and GET /hello/{name}: the CodeStar template's index.py and hello.py. */
export async function handle(event: APIGatewayProxyEventV2, { now }: { now: () => Date }) {
  const body = event.pathParameters?.name === undefined ? helloWorld(now()) : greet(parseName(event.pathParameters.name));
  metrics.addMetric('Greetings', MetricUnit.Count, 1);
  return jsonResponse(200, body);
}
