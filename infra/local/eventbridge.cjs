// serverless-offline-aws-eventbridge, made to deliver events as EventBridge does: one id per
// PutEvents entry, kept across every rule and retry (the plugin makes a new one each time), the
// same id in the PutEvents answer, and the entry's Time as the event's time (the plugin uses the
// delivery time). Idempotency and the release ledger depend on both. Each matching rule invokes
// its function asynchronously, as Lambda does (infra/local/async-invoke.cjs).
const { randomUUID } = require('node:crypto');
const { invokeAsync } = require('./async-invoke.cjs');
const LocalEventBridge = require('serverless-offline-aws-eventbridge');

const ID = '__localEventId';
// EventBridge writes times to the second
const eventTime = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

class EventBridgeAsAws extends LocalEventBridge {
  setupMqClient() {
    super.setupMqClient();
    const publish = this.mqClient.publish.bind(this.mqClient);
    // the plugin publishes the entries, then answers PutEvents, in one synchronous step
    this.mqClient.publish = (topic, message, ...rest) => {
      const entries = JSON.parse(message).map((entry) => ({ ...entry, [ID]: randomUUID() }));
      this.lastEventIds = entries.map((entry) => entry[ID]);
      return publish(topic, JSON.stringify(entries), ...rest);
    };
  }

  generateEventBridgeResponse(entries) {
    const ids = this.lastEventIds ?? entries.map(() => randomUUID());
    this.lastEventIds = undefined;
    return { Entries: ids.map((EventId) => ({ EventId })), FailedEntryCount: 0 };
  }

  invokeSubscriber(functionKey, entry, input) {
    const event = this.convertEntryAndInputToEvent(entry, input);
    return invokeAsync(this.lambda, functionKey, event, (error, attempts) =>
      this.serverless.cli.log(`local EventBridge: ${functionKey} failed ${attempts} times on event ${event.id}: ${error.message}`),
    );
  }

  convertEntryAndInputToEvent(entry, input) {
    const { [ID]: id, ...awsEntry } = entry;
    const event = super.convertEntryAndInputToEvent(awsEntry, input);
    // the SDK and the AWS CLI send Time as epoch seconds
    const time = typeof awsEntry.Time === 'number' ? new Date(awsEntry.Time * 1000) : awsEntry.Time ? new Date(awsEntry.Time) : new Date();
    return { ...event, id: id ?? event.id, time: eventTime(time) };
  }
}

module.exports = EventBridgeAsAws;
