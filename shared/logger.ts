import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger every function uses; the service name comes from POWERTOOLS_SERVICE_NAME. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'release-conductor' });
