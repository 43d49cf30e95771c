import http from 'node:http';
import https from 'node:https';

export type DeliveryStatus = 'Successful' | 'Failed' | 'TimedOut';

export interface PostResult {
  status: DeliveryStatus;
  /** 0 when no HTTP answer arrived (connection refused, timeout). */
  httpStatusCode: number;
}

/**
 * A lean keep-alive HTTP POST for webhook delivery: FenX counts any answer below 400 as success;
 * the timeout is real time because it concerns the network, not the simulated clock.
 */
export class HttpPoster {
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;
  private readonly target: URL;

  constructor(
    url: string,
    maxSockets: number,
    private readonly timeoutMs: number,
  ) {
    this.target = new URL(url);
    const secure = this.target.protocol === 'https:';
    this.client = secure ? https : http;
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets })
      : new http.Agent({ keepAlive: true, maxSockets });
  }

  post(body: string, headers: Record<string, string>): Promise<PostResult> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = this.client.request(
        this.target,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
          },
        },
        (res) => {
          const code = res.statusCode ?? 0;
          res.resume();
          res.on('end', () =>
            done({ status: code > 0 && code < 400 ? 'Successful' : 'Failed', httpStatusCode: code }),
          );
          res.on('error', () => done({ status: 'Failed', httpStatusCode: code }));
        },
      );
      const timer = setTimeout(() => {
        done({ status: 'TimedOut', httpStatusCode: 0 });
        req.destroy();
      }, this.timeoutMs);
      req.on('error', () => done({ status: 'Failed', httpStatusCode: 0 }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
