// Plain Fastify doing the floor's work (work.ts) without Nest: the raw body as a Buffer of any
// content type (size limit: 413), the same verify, record and grouped acks=all write, the answer
// after the acknowledgement. Between the floor and radar on Fastify, it separates Fastify's cost
// from Nest's.
import { fastify } from 'fastify';
import { benchWork, BODY_LIMIT } from './work';

const work = benchWork();
const app = fastify({ bodyLimit: BODY_LIMIT });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/webhooks/fenx', async (req, reply) => {
  const answer = await work.handle(req.body as Buffer, req.headers['x-fenx-signature']);
  return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
});

void work.connect().then(() => app.listen({ port: Number(process.env['PORT']), host: '127.0.0.1' }));
