import type { FenxMessage } from './fenx-types';

/** Why a call failed for good. */
export type FenxFailureReason =
  /** FenX answered with a status that is not an answer for this call (after any retries). */
  | 'http-status'
  /** No answer within `timeoutMs` (connect, headers or body). */
  | 'timeout'
  /** Connection refused, reset, DNS… */
  | 'network'
  /** The caller's `AbortSignal` fired, or the client was closed. */
  | 'aborted'
  /** A 2xx whose body is not what the endpoint promises. */
  | 'invalid-response';

export interface FenxApiErrorInit {
  reason: FenxFailureReason;
  method: string;
  /** Path of the request (no host, no query); ids are not secrets. */
  path: string;
  attempts: number;
  status?: number;
  errorCode?: string;
  messages?: FenxMessage[];
  /** For `invalid-response`: the JSON pointer of the field that broke the contract. */
  field?: string;
  /** The failed request was the identity server's token request, not an API call. */
  tokenRequest?: boolean;
  cause?: unknown;
}

/**
 * A FenX call that failed after the retries it was entitled to. Carries FenX's own error code and
 * messages; never the token, the client secret or a request body.
 */
export class FenxApiError extends Error {
  override readonly name = 'FenxApiError';
  readonly reason: FenxFailureReason;
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  readonly status?: number;
  readonly errorCode?: string;
  readonly messages: FenxMessage[];
  readonly field?: string;
  readonly tokenRequest: boolean;

  constructor(init: FenxApiErrorInit) {
    const what = init.status !== undefined ? `HTTP ${init.status}` : init.reason;
    const code = init.errorCode ? ` ${init.errorCode}` : '';
    const texts = (init.messages ?? [])
      .map((m) => m.message)
      .filter((m): m is string => typeof m === 'string' && m.length > 0);
    const detail = texts.length > 0 ? `: ${texts.join('; ')}` : '';
    const causeText =
      init.status === undefined && init.cause instanceof Error ? ` (${init.cause.message})` : '';
    super(
      `FenX ${init.method} ${init.path} failed after ${init.attempts} attempt${init.attempts === 1 ? '' : 's'}: ` +
        `${what}${code}${detail}${causeText}`,
      { cause: init.cause },
    );
    this.reason = init.reason;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.messages = init.messages ?? [];
    this.field = init.field;
    this.tokenRequest = init.tokenRequest ?? false;
  }
}

/**
 * FenX refused the credentials or the tenant: a 401 or 403 of any call, or the identity server
 * refusing the token request (its `invalid_client`, `invalid_scope`… come as 400; a 429 is not a
 * refusal). No event is at
 * fault, so the extractors stop without committing or dead-lettering, and the CLI names the settings.
 */
export function isCredentialRefusal(error: unknown): boolean {
  if (!(error instanceof FenxApiError) || error.status === undefined) return false;
  if (error.status === 401 || error.status === 403) return true;
  return error.tokenRequest && error.status >= 400 && error.status < 500 && error.status !== 429;
}
