// Types for the parts of the local SNS that the tests use.
import type { SNSEvent } from 'aws-lambda';

interface Subscription {
  functionKey: string;
  topicName: string;
  filterPolicy?: Record<string, unknown[]>;
}

declare class LocalSns {}
declare namespace LocalSns {
  function startSnsServer(options: {
    host?: string;
    port?: number;
    topics: string[];
    subscriptions: Subscription[];
    deliver(subscription: Subscription, event: SNSEvent): Promise<void> | void;
  }): Promise<{ url: string; close(): Promise<void> }>;
  function snsEvent(topicArn: string, subscriptionArn: string, messageId: string, message: string, subject: string | null, attributes: Record<string, { Type: string; Value: string }>): SNSEvent;
  function matchesFilterPolicy(policy: Record<string, unknown[]> | undefined, attributes: Record<string, { Type: string; Value: string }>): boolean;
  function topicArnOf(name: string): string;
}
export = LocalSns;
