import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from './logger';
import { metrics, MetricUnit, singleMetrics } from './metrics';
import { ClientError, jsonResponse } from './http';

/** The one middy stack: logger context, metrics flush. Every function starts here. */
export function withObservability<TEvent, TResult>(functionName: string) {
  logger.appendPersistentKeys({ function: functionName });
  return middy<TEvent, TResult, Error, Context>().use(observability());
}

/**
 * Each invocation's logs carry Lambda's context and its own keys only; its metrics are published
 * when it ends. An invocation that fails counts nothing: Lambda runs it again, and the retry counts
 * (an error answered as such, an API's 4xx or 500, has ended it). The environment's first invocation
 * after an on-demand start is its cold start, logged and counted (ColdStart), as Powertools does.
 */
function observability(): MiddlewareObj<unknown, unknown, Error, Context> {
  let invocations = 0;
  const end = () => {
    metrics.publishStoredMetrics();
    // nothing is left waiting for a single metric either: a dimension or timestamp set for one is the invocation's
    singleMetrics.publishStoredMetrics();
    logger.endInvocation();
  };
  return {
    before: ({ context }) => {
      const coldStart = invocations++ === 0 && process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'on-demand';
      logger.startInvocation(context, coldStart);
      if (coldStart) metrics.publishColdStart(context.functionName);
    },
    after: end,
    onError: ({ response }) => {
      if (response === undefined) metrics.clearMetrics();
      end();
    },
  };
}

type HttpRequest = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>;

/**
 * Turns a ClientError into its 4xx JSON answer, and anything else into a logged 500 that
 * says nothing of the internals. Bad input must surface as a ClientError, never reach here raw.
 */
export function httpErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request: HttpRequest) => {
      const { error } = request;
      if (error instanceof ClientError) {
        logger.warn('rejected request', { code: error.code, reason: error.message });
        metrics.addMetric('RejectedRequests', MetricUnit.Count, 1);
        request.response = jsonResponse(error.statusCode, { error: error.code, message: error.message });
        return;
      }
      logger.error('unhandled error', error as Error);
      metrics.addMetric('HandlerErrors', MetricUnit.Count, 1);
      request.response = jsonResponse(500, { error: 'InternalError', message: 'Something went wrong on our side.' });
    },
  };
}

/** withObservability plus JSON error answers, for API Gateway HTTP API (payload 2.0) functions. */
export function withHttp(functionName: string) {
  return withObservability<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(functionName).use(httpErrors());
}
