import {
  Controller,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  Post,
  Req,
  Type,
  UnauthorizedException,
} from '@nestjs/common';
import { SIGNATURE_HEADER, Verifier } from '@fenx/hmac';
import { compileNotificationValidator, NotificationValidator } from '@fenx/fenx-events';
import { buildWebhookEvent } from '@fenx/kafka-contracts';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { RadarConfig } from './radar-config';
import { RadarKafka } from './radar-kafka';
import { RadarMetrics } from './radar-metrics';
import { rawRequest, requestFields, requestIdOf } from './request-context';
import { RADAR_CONFIG } from './tokens';

/** What both HTTP platforms hand the controller: the raw body bytes (never parsed) and the headers. */
interface RawRequest {
  body?: unknown;
  headers: IncomingHttpHeaders;
}

export interface Accepted {
  status: 'accepted';
  notificationId: string;
  valid: boolean;
}

/** 503: FenX retries later (2, 4, 8, 16 minutes), so nothing is lost while Kafka is away. */
class KafkaUnavailable extends HttpException {
  constructor(reason: string) {
    super(
      { statusCode: 503, error: 'Service Unavailable', message: `event not stored, retry later: ${reason}` },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}

/** The webhook route, at the configured path. */
export function webhookController(path: string): Type<unknown> {
  @Controller()
  class WebhookController {
    private readonly verifier: Verifier;
    /** The one decision on a notification's validity: FenX's documented forms and this pipeline's tenant. */
    private readonly validator: NotificationValidator;
    private readonly logger = new Logger('Webhook');

    constructor(
      @Inject(RADAR_CONFIG) private readonly config: RadarConfig,
      private readonly kafka: RadarKafka,
      private readonly metrics: RadarMetrics,
    ) {
      this.verifier = new Verifier(config.keys);
      this.validator = compileNotificationValidator({
        registry: true,
        documentedForms: true,
        tenantId: config.tenantId,
      });
    }

    @Post(path)
    @HttpCode(200)
    async receive(@Req() req: RawRequest): Promise<Accepted> {
      this.metrics.inFlight.inc();
      try {
        return await this.handle(req);
      } finally {
        this.metrics.inFlight.dec();
      }
    }

    private async handle(req: RawRequest): Promise<Accepted> {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const raw = rawRequest(req);
      const requestId = requestIdOf(raw);
      const signature = this.verifier.verify(body, req.headers[SIGNATURE_HEADER]);
      if (!signature.ok) {
        this.metrics.signatureFailures.inc({ reason: signature.reason });
        this.metrics.answered.unauthorized.inc();
        // A well-formed signature no key reproduces may be FenX's under another scheme: kept for calibration.
        const quarantine =
          signature.reason === 'mismatch'
            ? this.kafka.quarantine.offer({ body, headers: req.headers, reason: signature.reason, requestId })
            : undefined;
        this.logger.warn(
          { ...requestFields(raw), reason: signature.reason, bytes: body.length, quarantine },
          'signature refused',
        );
        throw new UnauthorizedException(`${SIGNATURE_HEADER} ${signature.reason}`);
      }

      const { event, record, problems } = buildWebhookEvent({
        body,
        origin: 'webhook',
        requestId,
        validator: this.validator,
      });

      await this.store(record, event.notificationId, raw);

      if (event.valid) this.metrics.answered.accepted.inc();
      else {
        this.metrics.answered.flagged.inc();
        for (const code of new Set(problems.map((p) => p.code))) this.metrics.flagged[code].inc();
        this.logger.warn(
          {
            ...requestFields(raw),
            notificationId: event.notificationId,
            key: record.key,
            problems: event.problems,
          },
          'genuine event written with valid=false',
        );
      }
      return { status: 'accepted', notificationId: event.notificationId, valid: event.valid };
    }

    /** Resolves once Kafka acknowledged the record; 503 on a refusal or past the bound. */
    private async store(
      record: Parameters<RadarKafka['writer']['write']>[0],
      notificationId: string,
      raw: IncomingMessage,
    ) {
      let timer: NodeJS.Timeout | undefined;
      const bound = this.config.ackTimeoutMs;
      const outcome = await Promise.race([
        this.kafka.writer.write(record).then(
          () => ({ ok: true as const }),
          (e: unknown) => ({
            ok: false as const,
            reason: e instanceof Error ? e.message : String(e),
            error: e,
          }),
        ),
        new Promise<{ ok: false; reason: string; timeout: true }>((resolve) => {
          timer = setTimeout(
            () => resolve({ ok: false, reason: `no acknowledgement within ${bound} ms`, timeout: true }),
            bound,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      if (outcome.ok) return;
      if ('timeout' in outcome) this.metrics.writeFailures.inc({ reason: 'timeout' });
      this.metrics.answered.unavailable.inc();
      this.logger.error(
        {
          ...requestFields(raw),
          notificationId,
          reason: outcome.reason,
          err: 'error' in outcome ? outcome.error : undefined,
        },
        'event not stored: answered 503',
      );
      throw new KafkaUnavailable(outcome.reason);
    }
  }
  return WebhookController;
}
