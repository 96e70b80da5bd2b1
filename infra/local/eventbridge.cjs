// serverless-offline-aws-eventbridge, made to deliver events as EventBridge does: one id per
// PutEvents entry, kept across every rule and retry (the plugin makes a new one each time), the
// same id in the PutEvents answer, and the entry's Time as the event's time (the plugin uses the
// delivery time). Idempotency and the release ledger depend on both. Each event carries the
// account and region it came from, as a member account's events reach the central bus: the
// region the caller signed for, and the account its access key id names when that is 12 digits
// (as LocalStack reads it), else the local stack's own. Each matching rule invokes its function
// asynchronously, as Lambda does (infra/local/async-invoke.cjs).
const { randomUUID } = require('node:crypto');
const express = require('express');
const { invokeAsync } = require('./async-invoke.cjs');
const LocalEventBridge = require('serverless-offline-aws-eventbridge');

const ID = '__localEventId';
const ACCOUNT = '__localAccount';
const REGION = '__localRegion';
// EventBridge writes times to the second
const eventTime = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
// SigV4: Authorization: AWS4-HMAC-SHA256 Credential=<access key id>/<date>/<region>/events/aws4_request, ...
const SIGNED_SCOPE = /Credential=([^/]+)\/\d{8}\/([^/]+)\/events\//;

class EventBridgeAsAws extends LocalEventBridge {
  setupExpressApp() {
    this.app = express();
    this.app.use(express.json({ type: 'application/x-amz-json-1.1', limit: this.config?.eventBridgeMockServerConfig.payloadSizeLimit }));
    this.app.all('*', (req, res) => {
      const [, accessKeyId, signedRegion] = SIGNED_SCOPE.exec(req.headers.authorization ?? '') ?? [];
      const from = { [ACCOUNT]: /^\d{12}$/.test(accessKeyId ?? '') ? accessKeyId : undefined, [REGION]: signedRegion };
      const entries = (req.body?.Entries ?? []).map((entry) => ({ ...entry, ...from, [ID]: randomUUID() }));
      this.mqClient?.publish('eventBridge', JSON.stringify(entries));
      res.json({ Entries: entries.map((entry) => ({ EventId: entry[ID] })), FailedEntryCount: 0 });
    });
  }

  invokeSubscriber(functionKey, entry, input) {
    const event = this.convertEntryAndInputToEvent(entry, input);
    return invokeAsync(this.lambda, functionKey, event, (error, attempts) =>
      this.serverless.cli.log(`local EventBridge: ${functionKey} failed ${attempts} times on event ${event.id}: ${error.message}`),
    );
  }

  convertEntryAndInputToEvent(entry, input) {
    const { [ID]: id, [ACCOUNT]: account, [REGION]: region, ...awsEntry } = entry;
    const event = super.convertEntryAndInputToEvent(awsEntry, input);
    // the SDK and the AWS CLI send Time as epoch seconds
    const time = typeof awsEntry.Time === 'number' ? new Date(awsEntry.Time * 1000) : awsEntry.Time ? new Date(awsEntry.Time) : new Date();
    return { ...event, id: id ?? event.id, time: eventTime(time), account: account ?? event.account, region: region ?? event.region };
  }
}

module.exports = EventBridgeAsAws;
