import { ConfigValidationError } from '@fenx/config';
import { FenxApiError, isCredentialRefusal } from '@fenx/fenx-client';
import { isKafkaError } from '@fenx/kafka';
import { CommanderError } from 'commander';

/** Exit codes of fenx-admin (documented in docs/operations.md). */
export const EXIT = {
  ok: 0,
  /** Anything not listed below. */
  failure: 1,
  /** Bad arguments or configuration. */
  usage: 2,
  /** Unknown webhook id or topic. */
  notFound: 3,
  /** FenX refused the credentials or the tenant (isCredentialRefusal). */
  unauthorized: 4,
  /** FenX unreachable, timing out, 5xx or rate limited after the client's retries. */
  fenxUnavailable: 5,
  /** Kafka unreachable or failing. */
  kafkaUnavailable: 6,
  /** `webhooks test`: FenX's test delivery did not succeed. */
  testDeliveryFailed: 7,
  /** `status`: something needs attention (the reasons are printed). */
  unhealthy: 8,
} as const;

/** An error the CLI reports as it is, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

function fenxFailure(e: FenxApiError): { code: number; message: string } {
  if (isCredentialRefusal(e))
    return {
      code: EXIT.unauthorized,
      message: `FenX refused the credentials (${e.tokenRequest ? 'token endpoint answered ' : ''}HTTP ${e.status}): check FENX_CLIENT_ID, FENX_CLIENT_SECRET, FENX_TENANT_ID and FENX_SCOPES.\n${e.message}`,
    };
  if (e.reason === 'network' || e.reason === 'timeout')
    return { code: EXIT.fenxUnavailable, message: `FenX is unreachable (${e.reason}): ${e.message}` };
  if (e.status !== undefined && (e.status >= 500 || e.status === 429))
    return { code: EXIT.fenxUnavailable, message: `FenX is unavailable: ${e.message}` };
  return { code: EXIT.failure, message: e.message };
}

/** The exit code and message for anything a command threw. */
export function describeFailure(e: unknown): { code: number; message: string } {
  if (e instanceof CliError) return { code: e.exitCode, message: e.message };
  if (e instanceof CommanderError) return { code: e.exitCode === 0 ? EXIT.ok : EXIT.usage, message: '' };
  if (e instanceof ConfigValidationError) return { code: EXIT.usage, message: e.message };
  if (e instanceof FenxApiError) return fenxFailure(e);
  if (e instanceof Error && isKafkaError(e))
    return { code: EXIT.kafkaUnavailable, message: `Kafka failed: ${e.name}: ${e.message}` };
  return { code: EXIT.failure, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}
