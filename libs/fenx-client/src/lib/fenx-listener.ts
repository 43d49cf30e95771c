/** What became of one HTTP attempt. */
export type FenxRequestOutcome =
  | 'ok'
  | 'not-modified'
  | 'not-found'
  | 'conflict'
  | 'unauthorized'
  | 'rate-limited'
  | 'client-error'
  | 'server-error'
  | 'timeout'
  | 'network-error'
  | 'aborted';

/** One HTTP attempt, reported to the listener after it ends. */
export interface FenxRequestEvent {
  /** `token` for the identity server, `api` for everything else. */
  kind: 'api' | 'token';
  method: string;
  /** The route template (`/journeyquery/api/journey-instance/{id}`): low cardinality, safe as a label. */
  route: string;
  /** Absent when no HTTP answer arrived. */
  status?: number;
  outcome: FenxRequestOutcome;
  durationMs: number;
  /** 1 for the first attempt of a call, 2 for its first retry… */
  attempt: number;
}

/** A 2xx answer whose body does not follow the documented contract (`fenx-contract.ts`). */
export interface FenxInvalidResponseEvent {
  method: string;
  route: string;
  /** The schema it was checked against (`webhook`, `report:entity-updated`…). */
  schema: string;
  /** The offending field with array indexes as `*` (`/data/items/*\/legalEntityId`): low cardinality. */
  field: string;
  message: string;
}

/**
 * Observability hook, so each app records `<app>_fenx_api_requests_total{outcome}` and latency histograms
 * under its own names without this library knowing about Prometheus. Errors thrown here are ignored.
 */
export interface FenxClientListener {
  onRequest?(event: FenxRequestEvent): void;
  /** A 2xx answer that broke the contract; the call fails with reason `invalid-response`. */
  onInvalidResponse?(event: FenxInvalidResponseEvent): void;
}

export function outcomeOfStatus(status: number): FenxRequestOutcome {
  if (status < 300) return 'ok';
  if (status === 304) return 'not-modified';
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'client-error';
}
