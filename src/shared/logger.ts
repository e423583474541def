/** The one structured JSON logger of the service (Powertools for AWS Lambda). */
import { Logger } from '@aws-lambda-powertools/logger';

/** The service's structured JSON logger (Powertools), level from POWERTOOLS_LOG_LEVEL. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'kafka-lambda-runtime',
});
