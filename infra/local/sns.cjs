// A local SNS topic for `npm start` and the tests: the Publish action of SNS's query protocol on
// loopback (the AWS SDK and the AWS CLI talk to it through AWS_ENDPOINT_URL_SNS), delivering to
// the functions that subscribe with an `sns` event in serverless.yml, filter policies applied,
// in the record shape Lambda receives from SNS, run as Lambda runs asynchronous invocations
// (infra/local/async-invoke.cjs): all at once, a failed one retried later.
// serverless-offline-sns does this too, but loads the handlers itself (not the esbuild bundles)
// and pulls in Serverless Framework v3.
const { createServer } = require('node:http');
const { randomUUID } = require('node:crypto');
const { invokeAsync } = require('./async-invoke.cjs');

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const topicArnOf = (name) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html: "up to 256 KB"
const MAX_MESSAGE_BYTES = 262_144;
const escapeXml = (text) => String(text).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** https://docs.aws.amazon.com/sns/latest/api/API_Publish.html: MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue */
function messageAttributesOf(params) {
  const attributes = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n += 1) {
    attributes[params.get(`MessageAttributes.entry.${n}.Name`)] = {
      Type: params.get(`MessageAttributes.entry.${n}.Value.DataType`),
      Value: params.get(`MessageAttributes.entry.${n}.Value.StringValue`),
    };
  }
  return attributes;
}

/** SNS filter policies on message attributes: exact values, prefix, anything-but, exists. */
function matchesFilterPolicy(policy, attributes) {
  if (!policy) return true;
  return Object.entries(policy).every(([name, allowed]) => {
    const value = attributes[name]?.Value;
    return allowed.some((rule) => {
      if (typeof rule !== 'object' || rule === null) return value === String(rule);
      if ('exists' in rule) return rule.exists === (value !== undefined);
      if (value === undefined) return false;
      if ('prefix' in rule) return value.startsWith(rule.prefix);
      if ('anything-but' in rule) return ![rule['anything-but']].flat().map(String).includes(value);
      return false;
    });
  });
}

/** https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html (example event) */
function snsEvent(topicArn, subscriptionArn, messageId, message, subject, attributes) {
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: new Date().toISOString(),
          Signature: 'local',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/local.pem',
          MessageId: messageId,
          Message: message,
          MessageAttributes: attributes,
          Type: 'Notification',
          UnsubscribeUrl: `http://127.0.0.1/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          TopicArn: topicArn,
          Subject: subject ?? null,
        },
      },
    ],
  };
}

function errorResponse(response, status, code, message) {
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/**
 * Serves Publish for `topics` (names); `deliver(subscription, event)` runs each matching
 * subscription after the answer, as SNS delivers after accepting.
 */
function startSnsServer({ host = '127.0.0.1', port = 0, topics, subscriptions, deliver }) {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const params = new URLSearchParams(body);
      const action = params.get('Action');
      if (action !== 'Publish') return errorResponse(response, 400, 'InvalidAction', `the local SNS serves Publish, not ${action}`);
      const topicArn = params.get('TopicArn');
      const message = params.get('Message');
      if (!topicArn || message === null) return errorResponse(response, 400, 'InvalidParameter', 'expected TopicArn and Message');
      if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) return errorResponse(response, 400, 'InvalidParameter', 'Invalid parameter: Message too long');
      const topicName = topicArn.split(':').pop();
      if (!topics.includes(topicName)) return errorResponse(response, 404, 'NotFound', `Topic does not exist: ${topicArn}`);
      const messageId = randomUUID();
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
      const attributes = messageAttributesOf(params);
      for (const subscription of subscriptions) {
        if (subscription.topicName !== topicName || !matchesFilterPolicy(subscription.filterPolicy, attributes)) continue;
        const subscriptionArn = `${topicArn}:${subscription.functionKey}`;
        void deliver(subscription, snsEvent(topicArn, subscriptionArn, messageId, message, params.get('Subject'), attributes));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => resolve({ url: `http://${host}:${server.address().port}`, close: () => new Promise((done) => server.close(done)) }));
  });
}

/** The serverless plugin: starts with `serverless offline`, next to the local EventBridge. */
class LocalSns {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = {
      'before:offline:start:init': () => this.start(),
      'before:offline:start:end': () => this.stop(),
    };
  }

  subscriptions() {
    const { service } = this.serverless;
    return service.getAllFunctions().flatMap((functionKey) =>
      service
        .getAllEventsInFunction(functionKey)
        .filter((event) => event.sns)
        .map(({ sns }) => ({ functionKey, topicName: sns.topicName, filterPolicy: sns.filterPolicy })),
    );
  }

  async start() {
    const subscriptions = this.subscriptions();
    if (subscriptions.length === 0) return;
    const { default: Lambda } = await import('serverless-offline/lambda');
    const { service } = this.serverless;
    // serverless-esbuild sets the offline `location` to its build folder: the bundles, as deployed
    this.lambda = new Lambda(this.serverless, { ...this.options, ...service.custom['serverless-offline'] });
    this.lambda.create(subscriptions.map(({ functionKey }) => ({ functionKey, functionDefinition: service.getFunction(functionKey) })));
    const port = Number(process.env.RC_SNS_PORT ?? 4013);
    this.server = await startSnsServer({
      port,
      topics: [...new Set(subscriptions.map((subscription) => subscription.topicName))],
      subscriptions,
      deliver: (subscription, event) => this.invoke(subscription.functionKey, event),
    });
    this.serverless.cli.log(`local SNS: ${this.server.url} (${subscriptions.map((s) => `${s.topicName} → ${s.functionKey}`).join(', ')})`);
  }

  invoke(functionKey, event) {
    return invokeAsync(this.lambda, functionKey, event, (error, attempts) =>
      this.serverless.cli.log(`local SNS: ${functionKey} failed ${attempts} times on message ${event.Records[0].Sns.MessageId}: ${error.message}`),
    );
  }

  async stop() {
    await this.server?.close();
    await this.lambda?.cleanup();
  }
}

module.exports = LocalSns;
module.exports.startSnsServer = startSnsServer;
module.exports.matchesFilterPolicy = matchesFilterPolicy;
module.exports.topicArnOf = topicArnOf;
module.exports.snsEvent = snsEvent;
