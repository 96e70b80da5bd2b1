import { withHttp } from '../../shared/middleware';
import { jsonResponse } from '../../shared/http';
import { metrics, MetricUnit } from '../../shared/metrics';
import { greet, helloWorld, parseName } from './greeting';

/** GET / and GET /hello/{name}: the CodeStar template's index.py and hello.py. */
export const handler = withHttp('hello').handler(async (event) => {
  const body = event.pathParameters?.name === undefined ? helloWorld(new Date()) : greet(parseName(event.pathParameters.name));
  metrics.addMetric('Greetings', MetricUnit.Count, 1);
  return jsonResponse(200, body);
});
