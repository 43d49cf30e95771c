import { KafkaJSError } from 'kafkajs';

/**
 * A fix for kafkajs 2.2.4 (the last release), applied once by `createKafka`.
 *
 * A consumer stopped (`stop`, `disconnect`) while its fetch manager is replacing its fetchers
 * (the cluster's broker list changed, as when a broker goes down or comes back) gets new fetchers
 * after the stop. Each of them asks the stopped runner for a fetch, gets `[]` at once and asks
 * again: a loop of resolved promises that never yields to the event loop. The process then uses a
 * whole core, answers nothing (no timers, no sockets) and never finishes the disconnect.
 *
 * With the fix, a stopped runner's fetch rejects instead (a retriable error): the fetcher ends,
 * the fetch manager gives up, the runner's retry finds the runner stopped and returns, and the
 * disconnect completes. Nothing is logged above debug level and no crash is reported.
 */
interface RunnerPrototype {
  running: boolean;
  fetch(nodeId: number): Promise<unknown[]>;
  fenxStoppedFetchFix?: true;
}

export class ConsumerStoppedError extends KafkaJSError {
  constructor() {
    super('the consumer was stopped while its fetchers were being replaced', { retriable: true });
  }
}

export function applyKafkajsFixes(): void {
  // The runner is not part of kafkajs's public API; the package pins the version this was written for.
  const { prototype } = require('kafkajs/src/consumer/runner') as { prototype: RunnerPrototype };
  if (prototype.fenxStoppedFetchFix) return;
  const fetch = prototype.fetch;
  prototype.fetch = function (this: RunnerPrototype, nodeId: number) {
    if (!this.running) return Promise.reject(new ConsumerStoppedError());
    return fetch.call(this, nodeId);
  };
  prototype.fenxStoppedFetchFix = true;
}
