/**
 * Retries a Kafka call that failed with an error the broker marks retriable (a partition or group
 * coordinator that moved or is still loading, a leader election under way), as the producer and
 * consumer do on their own; kafkajs's admin reads do not. Any other error is thrown at once.
 */
export async function retryRetriable<T>(
  what: string,
  call: () => Promise<T>,
  options: { timeoutMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30000);
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isRetriable(err) || Date.now() > deadline) {
        if (attempt > 0 && err instanceof Error)
          err.message = `${what}: ${err.message} (after ${attempt + 1} attempts)`;
        throw err;
      }
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 1000)));
    }
  }
}

function isRetriable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { retriable?: boolean; name?: string; type?: string };
  return e.retriable === true || e.type === 'UNKNOWN_TOPIC_OR_PARTITION';
}

/**
 * Whether an error comes from Kafka (the client's errors, and a read of this lib that did not reach
 * its end in time), as opposed to the caller's own code: for exit codes and messages.
 */
export function isKafkaError(error: unknown): boolean {
  return error instanceof Error && (error.name.startsWith('KafkaJS') || error.name === 'ReadTimeoutError');
}
