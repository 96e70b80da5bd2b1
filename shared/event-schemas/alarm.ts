import * as z from 'zod/mini';
import { envelope } from './envelope';

const ALARM_STATE = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
// CloudWatch writes the offset without a colon (2019-10-02T17:04:40.989+0000), which z.iso.datetime refuses.
const ALARM_TIMESTAMP = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/, 'expected a timestamp such as 2019-10-02T17:04:40.989+0000'));

/** https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html */
export const AlarmStateChangeEvent = envelope(
  'aws.cloudwatch',
  'CloudWatch Alarm State Change',
  z.object({
    alarmName: z.string().check(z.minLength(1), z.maxLength(255)),
    state: z.object({ value: ALARM_STATE, reason: z.string(), timestamp: ALARM_TIMESTAMP }),
    previousState: z.object({ value: ALARM_STATE, timestamp: ALARM_TIMESTAMP }),
  }),
);
export type AlarmStateChangeEvent = z.infer<typeof AlarmStateChangeEvent>;
