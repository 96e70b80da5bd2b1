import * as z from 'zod/mini';
import { envelope, NAME } from './envelope';

/** https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html */
export const CodeDeployStateEvent = envelope(
  'aws.codedeploy',
  'CodeDeploy Deployment State-change Notification',
  z.object({
    application: NAME,
    deploymentGroup: NAME,
    deploymentId: z.string().check(z.regex(/^d-[A-Z0-9]+$/, 'expected a CodeDeploy deployment id (d-XXXXXXXXX)')),
    state: z.enum(['START', 'SUCCESS', 'FAILURE', 'STOP', 'READY']),
    instanceGroupId: z.optional(z.string()),
  }),
);
export type CodeDeployStateEvent = z.infer<typeof CodeDeployStateEvent>;
