import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { FenxRateLimiter } from '@fenx/fenx-client';
import type { ExtractionLogger } from './extraction-pipeline';

/**
 * Parses `EXTRACTOR_RATE_SHARES` (`journey-extractor=0.6,entity-extractor=0.4`): every extractor's
 * share of the pipeline's FenX budget. The shares must add up to 1, so that every process given the
 * same value takes its part and together they take the whole budget and no more.
 */
export function parseRateShares(text: string): Map<string, number> {
  const shares = new Map<string, number>();
  for (const item of text.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const m = /^([A-Za-z0-9._-]+)=([0-9]*\.?[0-9]+)$/.exec(item);
    if (!m) throw new RangeError(`EXTRACTOR_RATE_SHARES: "${item}" is not <app>=<share>`);
    const share = Number(m[2]);
    if (!(share > 0 && share <= 1))
      throw new RangeError(`EXTRACTOR_RATE_SHARES: ${m[1]}'s share ${m[2]} is not in (0, 1]`);
    if (shares.has(m[1])) throw new RangeError(`EXTRACTOR_RATE_SHARES names ${m[1]} twice`);
    shares.set(m[1], share);
  }
  const sum = [...shares.values()].reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-9)
    throw new RangeError(`EXTRACTOR_RATE_SHARES must add up to 1 (got ${Number(sum.toFixed(6))}: ${text})`);
  return shares;
}

/** This process's part of the tenant's FenX budget. */
export interface TenantBudgetOptions {
  /** The pipeline's budget: calls per second for every process of every extractor together. */
  ratePerSecond: number;
  /** FenX calls in flight at once for the whole pipeline (split as the rate is). */
  maxConcurrency: number;
  /** This extractor's share of the budget (`EXTRACTOR_RATE_SHARES`); 1 when it is the only caller. */
  share: number;
  /** Partitions of the consumed topic: a replica's part of the share is its part of them. */
  partitions: number;
  logger?: ExtractionLogger;
}

/**
 * One tenant budget across processes, without a server: the extractor's share of the pipeline's rate
 * is split among its replicas by their part of the topic's partitions, recomputed at every join of
 * the consumer group (`assigned`). The limiter goes to the app's FenX client, so every call of the
 * process counts against this part. Before the first assignment (and in jobs that consume nothing)
 * the process has the whole share of its extractor.
 */
@Injectable()
export class TenantBudget implements OnApplicationShutdown {
  readonly limiter: FenxRateLimiter;
  private current: number;

  constructor(private readonly options: TenantBudgetOptions) {
    if (!(options.share > 0 && options.share <= 1))
      throw new RangeError(`a budget share must be in (0, 1], got ${options.share}`);
    if (!Number.isInteger(options.partitions) || options.partitions < 1)
      throw new RangeError(`partitions must be a positive integer, got ${options.partitions}`);
    this.current = options.ratePerSecond * options.share;
    this.limiter = new FenxRateLimiter({
      ratePerSecond: this.current,
      maxConcurrency: Math.max(1, Math.floor(options.maxConcurrency * options.share)),
    });
  }

  /** Calls per second this process may make now. */
  get ratePerSecond(): number {
    return this.current;
  }

  /**
   * After a join: `partitions` are this process's. A member with none makes no fetches; it keeps a
   * trickle (a tenth of one partition's part) for whatever else it calls.
   */
  assigned(partitions: number): void {
    const { ratePerSecond, share, partitions: total } = this.options;
    const part = Math.max(partitions, 0.1) / total;
    this.current = ratePerSecond * share * part;
    this.limiter.setRate(this.current);
    // FenX also caps the tenant's calls in flight: the process's part of them follows its part of the rate.
    this.limiter.setMaxConcurrency(Math.max(1, Math.floor(this.options.maxConcurrency * share * part)));
    this.options.logger?.log(
      { partitions, of: total, ratePerSecond: Number(this.current.toFixed(3)) },
      'FenX budget of this process recomputed after a rebalance',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.limiter.stop();
  }
}
