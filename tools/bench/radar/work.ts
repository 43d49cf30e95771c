// The work every server of the benchmark does for a webhook, with no framework: verify the real HMAC
// over the raw body, check the notification with the validator radar compiles (FenX's documented
// forms), build the topic-1 record once, write it with acks=all in grouped produce calls (2 ms linger,
// at most 500 records, as radar's defaults), answer after the acknowledgement (503 on a failure).
import { compileNotificationValidator } from '@fenx/fenx-events';
import { Verifier } from '@fenx/hmac';
import { createKafka, KafkaProducer, kafkaSettingsFrom, KafkaEnv } from '@fenx/kafka';
import { buildWebhookEvent, OutgoingRecord, TOPICS } from '@fenx/kafka-contracts';
import { validateEnv } from '@fenx/config';

export const BODY_LIMIT = 1024 * 1024;

export interface Answer {
  status: number;
  /** The JSON body, as radar answers: `{status, notificationId, valid}` on 200. */
  body: string;
}

export interface Work {
  connect(): Promise<void>;
  /** Resolves with the answer: 401, or 200 / 503 once Kafka answered. */
  handle(body: Buffer, signature: string | string[] | undefined): Promise<Answer>;
}

const UNAUTHORIZED: Answer = { status: 401, body: '{"statusCode":401,"message":"signature refused"}' };
const UNAVAILABLE: Answer = { status: 503, body: '{"statusCode":503,"message":"event not stored"}' };

export function benchWork(): Work {
  const settings = kafkaSettingsFrom(validateEnv(KafkaEnv));
  const producer = new KafkaProducer(createKafka(settings, { logCreator: () => () => undefined }), settings);
  const verifier = new Verifier([
    { scheme: 'sha256-raw', secret: process.env['RADAR_WEBHOOK_SECRETS'] ?? '' },
  ]);
  const validator = compileNotificationValidator({ registry: true, documentedForms: true });
  let group: { record: OutgoingRecord; accepted: Answer; done: (answer: Answer) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = group;
    group = [];
    producer
      .emit(
        TOPICS.webhookEvents.name,
        batch.map((g) => g.record),
      )
      .then(
        () => batch.forEach((g) => g.done(g.accepted)),
        () => batch.forEach((g) => g.done(UNAVAILABLE)),
      );
  };
  return {
    connect: () => producer.connect(),
    handle(body, signature) {
      if (!verifier.verify(body, signature).ok) return Promise.resolve(UNAUTHORIZED);
      const { record, event } = buildWebhookEvent({ body, origin: 'webhook', validator });
      const accepted = {
        status: 200,
        body: JSON.stringify({
          status: 'accepted',
          notificationId: event.notificationId,
          valid: event.valid,
        }),
      };
      return new Promise<Answer>((done) => {
        group.push({ record, accepted, done });
        if (group.length >= 500) flush();
        else if (!timer) timer = setTimeout(flush, 2);
      });
    },
  };
}
