import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { errorEnvelope } from '../api/fenx-envelope';
import { FaultsService } from './faults.service';

/**
 * Applies the request-level faults to FenX API calls, after authentication (FenX limits
 * authenticated traffic per tenant): rate limit, added latency, hangs, 5xx.
 */
@Injectable()
export class FaultMiddleware implements NestMiddleware {
  constructor(private readonly faults: FaultsService) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const limiter = this.faults.limiterOrNull;
    if (limiter) {
      const admission = limiter.admit();
      res.setHeader('X-Rate-Limit-Reset', String(Math.ceil(admission.resetAt / 1000)));
      if (!admission.ok) {
        res.setHeader('Retry-After', String(admission.retryAfterSeconds));
        res.setHeader('X-Rate-Limit-Remaining', '0');
        res.status(429).json(errorEnvelope('TOO_MANY_REQUESTS', ['Rate limit exceeded']));
        return;
      }
      res.setHeader('X-Rate-Limit-Remaining', String(admission.remaining));
      res.on('close', admission.release);
      res.on('finish', admission.release);
    }
    if (this.faults.latencyMs > 0) await this.faults.delay(this.faults.latencyMs);
    const fault = this.faults.drawRequestFault();
    if (fault.kind === 'timeout') {
      this.faults.hang(() => {
        if (!res.headersSent)
          res.status(504).json(errorEnvelope('GATEWAY_TIMEOUT', ['The request timed out']));
      });
      return;
    }
    if (fault.kind === 'error') {
      res.status(500).json(errorEnvelope('INTERNAL_SERVER_ERROR', ['Simulated server error']));
      return;
    }
    next();
  }
}
