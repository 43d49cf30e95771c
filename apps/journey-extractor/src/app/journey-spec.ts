import { Inject, Injectable } from '@nestjs/common';
import {
  AggregateGroup,
  BoundedCache,
  ExtractionSpec,
  FetchContext,
  FetchResult,
  SourceEvent,
} from '@fenx/extraction';
import { FenxClient, isCredentialRefusal } from '@fenx/fenx-client';
import { StopConsumerError } from '@fenx/kafka';
import {
  JOURNEY_DETAIL_SCHEMA,
  JourneyDetail,
  journeyDetailRecord,
  SourceEventRef,
  WebhookEvent,
} from '@fenx/kafka-contracts';
import { JOURNEY_CONFIG } from './tokens';
import type { JourneyConfig } from './journey-config';

/** The last ETag written to topic 2 per journey (bounded, in memory, cold at start). */
@Injectable()
export class EtagCache extends BoundedCache<string> {
  constructor(@Inject(JOURNEY_CONFIG) config: JourneyConfig) {
    super(config.journey.JOURNEY_ETAG_CACHE_SIZE);
  }
}

function refOf(e: SourceEvent): SourceEventRef {
  return {
    notificationId: e.event.notificationId,
    eventType: e.event.eventType,
    origin: e.event.origin,
    when: e.event.when,
    partition: e.record.partition,
    offset: e.record.offset,
  };
}

function latestWhen(group: AggregateGroup): string {
  let best = group.events[0].event.when;
  for (const e of group.events)
    if (Date.parse(e.event.when) > Date.parse(best) || Number.isNaN(Date.parse(best))) best = e.event.when;
  return best;
}

/**
 * Journey events → one Journey Query call per journey per batch (If-None-Match with the last
 * ETag written) → one `JourneyDetail` snapshot in topic 2, a deletion record when FenX answers 404
 * for an event older than the grace, or a re-queue when the event is younger (FenX warns that data
 * may lag the event).
 */
@Injectable()
export class JourneySpec implements ExtractionSpec {
  private readonly tenantId: string;
  private readonly graceMs: number;

  constructor(
    private readonly fenx: FenxClient,
    private readonly etags: EtagCache,
    @Inject(JOURNEY_CONFIG) config: JourneyConfig,
  ) {
    this.tenantId = config.fenx.tenantId;
    this.graceMs = config.extractor.notFoundGraceMs;
  }

  select(event: WebhookEvent): boolean {
    // Another tenant's event (flagged by radar) must not be fetched from ours: a 404 would read as a deletion.
    return event.domain === 'journey' && (event.tenantId === '' || event.tenantId === this.tenantId);
  }

  keyOf(event: WebhookEvent): string | undefined {
    return event.ids.journeyId;
  }

  async fetch(group: AggregateGroup, context: FetchContext): Promise<FetchResult> {
    const journeyId = group.key;
    let result;
    try {
      result = await this.fenx.getJourney(journeyId, {
        etag: this.etags.get(journeyId),
        correlationId: context.correlationId,
      });
    } catch (error) {
      if (isCredentialRefusal(error))
        throw new StopConsumerError(
          `FenX refused the credentials or tenant: ${(error as Error).message}`,
          error,
        );
      throw error;
    }
    if (result.status === 'not-modified') return {};
    const base = {
      schema: JOURNEY_DETAIL_SCHEMA,
      journeyId,
      tenantId: this.tenantId,
      fetchedAt: new Date().toISOString(),
      eventTime: latestWhen(group),
      sourceEvents: group.events.map(refOf),
    } as const;
    if (result.status === 'not-found') {
      const newest = Math.max(...group.events.map((e) => Date.parse(e.event.receivedAt) || 0));
      if (Date.now() - newest < this.graceMs)
        return { retryLater: { reason: `HTTP 404 for an event younger than ${this.graceMs} ms` } };
      const deleted: JourneyDetail = { ...base, state: 'deleted', etag: null, journey: null };
      return {
        records: [{ record: journeyDetailRecord(deleted), kind: 'deleted' }],
        onWritten: () => this.etags.delete(journeyId),
      };
    }
    const etag = result.etag ?? null;
    const detail: JourneyDetail = { ...base, state: 'present', etag, journey: result.journey };
    return {
      records: [{ record: journeyDetailRecord(detail), kind: 'journey' }],
      onWritten: () => (etag ? this.etags.set(journeyId, etag) : this.etags.delete(journeyId)),
    };
  }
}
