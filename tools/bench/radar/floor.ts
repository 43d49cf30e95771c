// The floor radar is measured against: a bare Node `http` server doing the same work with no
// framework (work.ts): read the raw body (size limit), verify the signature, build the topic-1
// record, write it with acks=all in grouped produce calls, answer after the acknowledgement.
import { createServer } from 'node:http';
import { benchWork, BODY_LIMIT } from './work';

const work = benchWork();
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > BODY_LIMIT) {
      res.writeHead(413).end();
      req.destroy();
    } else chunks.push(c);
  });
  req.on('end', () => {
    void work
      .handle(Buffer.concat(chunks), req.headers['x-fenx-signature'])
      .then((a) => res.writeHead(a.status, JSON_TYPE).end(a.body));
  });
});

void work.connect().then(() => server.listen(Number(process.env['PORT']), '127.0.0.1'));
