import * as z from 'zod/mini';
import { ReleaseNotification } from './release-notification';

/** https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html: Lambda gets one SNS message an invocation; ours carry a ReleaseNotification. */
export const SnsNotificationEvent = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal('aws:sns'),
        Sns: z.object({
          MessageId: z.string(),
          Message: z.pipe(
            z.pipe(
              z.string(),
              z.transform((text, ctx) => {
                try {
                  return JSON.parse(text) as unknown;
                } catch {
                  ctx.issues.push({ code: 'custom', message: 'expected a JSON message', input: text });
                  return z.NEVER;
                }
              }),
            ),
            ReleaseNotification,
          ),
        }),
      }),
    )
    .check(z.length(1, 'expected the one record Lambda delivers from SNS')),
});
export type SnsNotificationEvent = z.infer<typeof SnsNotificationEvent>;
