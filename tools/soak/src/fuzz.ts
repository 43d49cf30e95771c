import { sign } from '@fenx/hmac';
import { SIMULATOR_DEFAULTS } from '@fenx/testing';
import { bodyHash, Topic1Tail } from './live-tail';

export interface FuzzReport {
  sent: number;
  signedAccepted: number;
  signedAnswered: Record<string, number>;
  unsignedAnswered: Record<string, number>;
  /** Unsigned or tampered requests answered 2xx: must be 0. */
  unsignedAccepted: number;
  /** Signed bodies answered 2xx whose record is not in topic 1: must be 0. */
  acceptedNotStored: number;
}

const RADAR_SECRET = SIMULATOR_DEFAULTS.webhookSecret;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function randomBytes(random: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

/** Random and mutated requests: signed ones must be stored when accepted, unsigned ones never accepted. */
export async function fuzzRadar(
  radarUrl: string,
  count: number,
  random: () => number,
  radarUp: () => boolean,
  /** True once the run is over: the campaign ends with what it sent. */
  stopped: () => boolean = () => false,
): Promise<FuzzReport & { acceptedBodies: string[] }> {
  const report = {
    sent: 0,
    signedAccepted: 0,
    signedAnswered: {} as Record<string, number>,
    unsignedAnswered: {} as Record<string, number>,
    unsignedAccepted: 0,
    acceptedNotStored: 0,
    acceptedBodies: [] as string[],
  };
  const valid = JSON.stringify({
    Id: 'fuzz',
    TenantId: SIMULATOR_DEFAULTS.tenantId,
    EventType: 'journey:taskcompleted',
    RelativeUrl: 'journeyquery/api/journey-instance/fuzz-journey',
    Payload: {},
    When: new Date().toISOString(),
  });
  for (let i = 0; i < count && !stopped(); i++) {
    if (!radarUp()) {
      await sleep(200);
      continue;
    }
    const shape = Math.floor(random() * 5);
    let body: Buffer;
    if (shape === 0) body = randomBytes(random, Math.floor(random() * 2000));
    else if (shape === 1)
      body = Buffer.from(valid.replace('fuzz', `fuzz-${i}`).slice(0, Math.floor(random() * valid.length)));
    else if (shape === 2) body = Buffer.from(valid.replace('"fuzz"', `"fuzz-${i}-\u00e9\u4e2d\ud83d\ude00"`));
    else if (shape === 3) body = Buffer.alloc(0);
    else
      body = Buffer.from(
        valid.replace('"fuzz"', `"fuzz-${i}"`).replace('journey:taskcompleted', 'journey:whatever'),
      );
    const signed = random() < 0.5;
    const headers: Record<string, string> = {
      'content-type': random() < 0.8 ? 'application/json' : 'text/plain',
    };
    if (signed) headers['x-fenx-signature'] = sign(body, RADAR_SECRET);
    else if (random() < 0.5) {
      const sig = sign(body, RADAR_SECRET);
      headers['x-fenx-signature'] = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    }
    // A radar process that is starting again refuses connections for a few seconds: the same case is
    // sent again until it answers (up to 10 s), so the campaign's cases reach radar.
    let res: Response | undefined;
    for (let attempt = 0; attempt < 50 && !res; attempt++) {
      if (attempt > 0) await sleep(200);
      res = await fetch(`${radarUrl}/webhooks/fenx`, { method: 'POST', headers, body }).catch(
        () => undefined,
      );
    }
    report.sent++;
    const status = res ? String(res.status) : 'no-answer';
    await res?.arrayBuffer().catch(() => undefined);
    const bucket = signed ? report.signedAnswered : report.unsignedAnswered;
    bucket[status] = (bucket[status] ?? 0) + 1;
    if (res && res.status < 300) {
      if (signed) {
        report.signedAccepted++;
        report.acceptedBodies.push(bodyHash(body));
      } else report.unsignedAccepted++;
    }
  }
  return report;
}

/** Signed fuzz requests radar accepted whose body the live tail of topic 1 never saw. */
export async function acceptedNotStored(
  tail: Topic1Tail,
  fuzz: FuzzReport & { acceptedBodies?: string[] },
): Promise<number> {
  await tail.caughtUp();
  const missing = (fuzz.acceptedBodies ?? []).filter((h) => !tail.bodies.has(h)).length;
  delete fuzz.acceptedBodies;
  return missing;
}
