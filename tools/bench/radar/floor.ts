// The floor radar is measured against: a bare Node `http` server doing the same work with no
// framework: read the raw body (size limit), verify the signature, build the topic-1 record, write
// it with acks=all in grouped produce calls, answer 200 after the acknowledgement (503 on failure).
import { createServer } from 'node:http';
import { Verifier } from '@fenx/hmac';
import {
  buildWebhookEvent,
  createKafka,
  KafkaProducer,
  kafkaSettingsFrom,
  KafkaEnv,
  OutgoingRecord,
  TOPICS,
} from '@fenx/kafka';
import { validateEnv } from '@fenx/config';

const settings = kafkaSettingsFrom(validateEnv(KafkaEnv));
const producer = new KafkaProducer(createKafka(settings, { logCreator: () => () => undefined }), settings);
const verifier = new Verifier([{ scheme: 'sha256-raw', secret: process.env['RADAR_WEBHOOK_SECRETS'] ?? '' }]);
const LIMIT = 1024 * 1024;

let group: { record: OutgoingRecord; done: (ok: boolean) => void }[] = [];
let timer: NodeJS.Timeout | undefined;
function flush(): void {
  timer = undefined;
  const batch = group;
  group = [];
  producer
    .emit(
      TOPICS.webhookEvents.name,
      batch.map((g) => g.record),
    )
    .then(
      () => batch.forEach((g) => g.done(true)),
      () => batch.forEach((g) => g.done(false)),
    );
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > LIMIT) {
      res.writeHead(413).end();
      req.destroy();
    } else chunks.push(c);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (!verifier.verify(body, req.headers['x-fenx-signature']).ok) return void res.writeHead(401).end();
    const { record } = buildWebhookEvent({ body, origin: 'webhook' });
    group.push({ record, done: (ok) => res.writeHead(ok ? 200 : 503).end() });
    if (group.length >= 500) flush();
    else if (!timer) timer = setTimeout(flush, 2);
  });
});

void producer.connect().then(() => server.listen(Number(process.env['PORT']), '127.0.0.1'));
