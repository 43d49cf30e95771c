import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  calibrate,
  calibrateDeliveries,
  deriveKey,
  isSigningScheme,
  KeyForm,
  schemeParts,
  parseSignature,
  sign,
  SIGNING_SCHEMES,
  SigningScheme,
  signedBytes,
  verify,
  Verifier,
} from '../index';

const OPENSSL = '/usr/bin/openssl';
const SECRET = 'fenx-webhook-secret';
const EXAMPLE = readFileSync(join(__dirname, '../fixtures/fenx-example-body.raw'));

function openssl(args: string[], input: Buffer): string {
  const out = spawnSync(OPENSSL, args, { input });
  if (out.status !== 0) throw new Error(out.stderr.toString());
  // "HMAC-SHA2-256(stdin)= <hex>" or "SHA2-256(stdin)= <hex>" depending on the version.
  return out.stdout.toString().trim().split('= ')[1];
}

/** A key form's bytes, from the openssl CLI's SHA-256 of the secret. */
function opensslKey(secret: string, form: KeyForm): Buffer {
  const secretHash = openssl(['dgst', '-sha256'], Buffer.from(secret));
  return {
    'sha256-raw': Buffer.from(secretHash, 'hex'),
    'sha256-hex-upper': Buffer.from(secretHash.toUpperCase()),
    'sha256-hex-lower': Buffer.from(secretHash.toLowerCase()),
    'sha256-base64': Buffer.from(Buffer.from(secretHash, 'hex').toString('base64')),
    secret: Buffer.from(secret),
  }[form];
}

/** The expected header for a scheme, computed by the openssl CLI rather than by Node. */
function opensslSignature(body: Buffer, secret: string, scheme: SigningScheme): string {
  const { form, construction } = schemeParts(scheme);
  const key = opensslKey(secret, form);
  const signed = signedBytes(body);
  const hex =
    construction === 'hmac'
      ? openssl(['dgst', '-sha256', '-mac', 'HMAC', '-macopt', `hexkey:${key.toString('hex')}`], signed)
      : openssl(
          ['dgst', '-sha256'],
          construction === 'key-then-body' ? Buffer.concat([key, signed]) : Buffer.concat([signed, key]),
        );
  return `sha256=${hex.toUpperCase()}`;
}

/** Recorded once (openssl 3.0 agrees) for the FenX documentation's example body and SECRET. */
const RECORDED: Record<SigningScheme, string> = {
  'sha256-raw': 'sha256=B03A6423CA9FEECEEE0C9CBCA81B9F05AA2468FBB2A68B14BDA29F2DF726BE31',
  'sha256-hex-upper': 'sha256=36E108307ED6D77251F9C9C489620A5AB1F52A34587C30667CE34D80AB464952',
  'sha256-hex-lower': 'sha256=F21DB148F5D043910E751CD7972D69897E9FBDC98299218EE29DFA7F4CA478BE',
  'sha256-base64': 'sha256=7464FE02348DC2A33D3240CAEF770A4FCBC6574AA68F4031AE6D813A89C2B4C7',
  secret: 'sha256=EB8A374652E604BFCF2B6B79C6C2F016D91404F5E5A9A8B46CD2D2B92FEF662E',
  'sha256-raw+body': 'sha256=906B4A7D09EC63536D97D8037CB6A48A2CCDE635CC682BE3136D0610B1F98E89',
  'sha256-hex-upper+body': 'sha256=3DF3CFF6047C23F225B1262C8392A5346B93890C35DAC1BB0C4870DF4BDCC209',
  'sha256-hex-lower+body': 'sha256=35421F85B453A2B53D94E8B458B8E47F24714B29E20748D5F191DC139BA0F150',
  'sha256-base64+body': 'sha256=D7E9219A03B85D3C0FA0E3C06E57B4AF78C653C30BC47D497E1F63B2BF17F68E',
  'secret+body': 'sha256=EA48C68A159440AB656D240BD87F44B22E4A453F7FEEDEA5F1837C2DAB7EB04A',
  'body+sha256-raw': 'sha256=B478BF682184469B53BA59651367C9A4F908F76A2ED91BBD9AD82D560AE3EEAC',
  'body+sha256-hex-upper': 'sha256=5DBBBCF283C4B94CB8F50CE2867B0D6324D725F256498543F10FAA642C935AD8',
  'body+sha256-hex-lower': 'sha256=E5E1F4722C141208DA521337EE26455E3DD39888371CCAD391C8C5E153928A04',
  'body+sha256-base64': 'sha256=6ECC34D08BD3CD897AA5669FC150C9CC4194583D66B01D5EB8663526982E2856',
  'body+secret': 'sha256=2F8A7AF35A16617727BDC49BBA7CD1B3369AA3CFB8134D19BCE653DB3109BEA2',
};

describe.each(SIGNING_SCHEMES)('scheme %s', (scheme) => {
  it('matches the signature computed by the openssl CLI', () => {
    const body = Buffer.from('{"Id":"abc","Payload":{"n":1}}');
    expect(sign(body, 'rotate-me-2024', scheme)).toBe(opensslSignature(body, 'rotate-me-2024', scheme));
  });

  it('matches the recorded vector for the documented example body', () => {
    expect(sign(EXAMPLE, SECRET, scheme)).toBe(RECORDED[scheme]);
    expect(opensslSignature(EXAMPLE, SECRET, scheme)).toBe(RECORDED[scheme]);
  });

  it('verifies its own signature and names the key', () => {
    const header = sign(EXAMPLE, SECRET, scheme);
    expect(verify(EXAMPLE, header, [{ scheme, secret: SECRET, id: 'k1' }])).toEqual({
      ok: true,
      keyId: 'k1',
    });
  });

  it('is identified by calibrate', () => {
    expect(calibrate(EXAMPLE, RECORDED[scheme], SECRET)).toEqual([scheme]);
  });
});

describe('sign', () => {
  it('uses sha256-raw by default and formats sha256= with 64 uppercase hex digits', () => {
    const header = sign(EXAMPLE, SECRET);
    expect(header).toBe(RECORDED['sha256-raw']);
    expect(header).toMatch(/^sha256=[0-9A-F]{64}$/);
  });

  it('signs only the bytes from the first { to the last }', () => {
    const padded = `\r\n  ${EXAMPLE.toString()}\n\n`;
    expect(sign(padded, SECRET)).toBe(RECORDED['sha256-raw']);
    expect(signedBytes(padded).equals(EXAMPLE)).toBe(true);
  });

  it('signs a body without braces whole', () => {
    expect(signedBytes('plain').toString()).toBe('plain');
    expect(signedBytes('} {').toString()).toBe('} {');
  });

  it('accepts strings and buffers alike', () => {
    expect(sign(EXAMPLE.toString('utf8'), SECRET)).toBe(sign(EXAMPLE, SECRET));
  });
});

describe('deriveKey', () => {
  it('gives the 32 raw bytes, the 64-char hex forms, the 44-char base64 form, or the secret itself', () => {
    const raw = deriveKey(SECRET, 'sha256-raw');
    expect(raw).toHaveLength(32);
    const upper = deriveKey(SECRET, 'sha256-hex-upper').toString();
    expect(upper).toMatch(/^[0-9A-F]{64}$/);
    expect(deriveKey(SECRET, 'sha256-hex-lower').toString()).toBe(upper.toLowerCase());
    expect(deriveKey(SECRET, 'sha256-base64').toString()).toBe(raw.toString('base64'));
    expect(deriveKey(SECRET, 'sha256-base64').toString()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(deriveKey(SECRET, 'secret').toString()).toBe(SECRET);
  });

  it('names each scheme by its key form and construction', () => {
    expect(schemeParts('sha256-base64')).toEqual({ form: 'sha256-base64', construction: 'hmac' });
    expect(schemeParts('secret+body')).toEqual({ form: 'secret', construction: 'key-then-body' });
    expect(schemeParts('body+sha256-hex-upper')).toEqual({
      form: 'sha256-hex-upper',
      construction: 'body-then-key',
    });
    expect(SIGNING_SCHEMES).toHaveLength(15);
  });

  it('recognizes scheme names', () => {
    expect(isSigningScheme('sha256-hex-lower')).toBe(true);
    expect(isSigningScheme('md5')).toBe(false);
    expect(isSigningScheme(undefined)).toBe(false);
  });
});

describe('verify', () => {
  const keys = [{ scheme: 'sha256-raw' as const, secret: SECRET }];
  const header = RECORDED['sha256-raw'];

  it('accepts the signature with lowercase hex and a lowercase prefix', () => {
    expect(verify(EXAMPLE, header.toLowerCase(), keys)).toEqual({
      ok: true,
      keyId: '0',
    });
    expect(verify(EXAMPLE, `SHA256=${header.slice(7)}`, keys).ok).toBe(true);
  });

  it('ignores whitespace around the JSON', () => {
    expect(verify(Buffer.from(`\n ${EXAMPLE.toString()} \n`), header, keys).ok).toBe(true);
  });

  it('rejects a tampered body', () => {
    const tampered = Buffer.from(EXAMPLE.toString().replace('entitydata:created', 'entitydata:Created'));
    expect(verify(tampered, header, keys)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects a wrong secret', () => {
    expect(verify(EXAMPLE, header, [{ scheme: 'sha256-raw', secret: 'other' }])).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects the right secret under another scheme', () => {
    expect(verify(EXAMPLE, header, [{ scheme: 'sha256-hex-upper', secret: SECRET }]).ok).toBe(false);
  });

  it.each([undefined, '', '   ', []])('reports a missing header (%p)', (h) => {
    expect(verify(EXAMPLE, h, keys)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    'B03A6423CA9FEECEEE0C9CBCA81B9F05AA2468FBB2A68B14BDA29F2DF726BE31',
    'sha1=B03A6423CA9FEECEEE0C9CBCA81B9F05AA2468FBB2A68B14BDA29F2DF726BE31',
    'sha256=B03A6423',
    'sha256=Z03A6423CA9FEECEEE0C9CBCA81B9F05AA2468FBB2A68B14BDA29F2DF726BE31',
    'sha256=B03A6423CA9FEECEEE0C9CBCA81B9F05AA2468FBB2A68B14BDA29F2DF726BE3100',
  ])('reports a malformed header %s', (h) => {
    expect(verify(EXAMPLE, h, keys)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('takes the first value of a repeated header', () => {
    expect(parseSignature([header, 'junk'])).toEqual({
      ok: true,
      digest: Buffer.from(header.slice(7), 'hex'),
    });
  });

  it('accepts a rotated secret and says which key matched', () => {
    const verifier = new Verifier([
      { scheme: 'sha256-raw', secret: 'new-secret', id: 'current' },
      { scheme: 'sha256-raw', secret: SECRET, id: 'previous' },
    ]);
    expect(verifier.verify(EXAMPLE, header)).toEqual({
      ok: true,
      keyId: 'previous',
    });
    expect(verifier.verify(EXAMPLE, sign(EXAMPLE, 'new-secret'))).toEqual({
      ok: true,
      keyId: 'current',
    });
  });

  it('accepts several schemes for one secret at once', () => {
    const verifier = new Verifier(SIGNING_SCHEMES.map((scheme) => ({ scheme, secret: SECRET, id: scheme })));
    for (const scheme of SIGNING_SCHEMES) {
      expect(verifier.verify(EXAMPLE, RECORDED[scheme])).toEqual({
        ok: true,
        keyId: scheme,
      });
    }
  });

  it('refuses to be built without keys', () => {
    expect(() => new Verifier([])).toThrow(/at least one key/);
  });
});

describe('calibrate', () => {
  it('finds no scheme for a wrong secret or a bad header', () => {
    expect(calibrate(EXAMPLE, RECORDED['sha256-raw'], 'nope')).toEqual([]);
    expect(calibrate(EXAMPLE, undefined, SECRET)).toEqual([]);
  });
});

describe('calibrateDeliveries', () => {
  const bodies = ['{"Id":"1"}', '{"Id":"2","Payload":{}}', EXAMPLE.toString()].map((b) => Buffer.from(b));

  it('names the scheme and the secret that match every well-formed delivery, most matches first', () => {
    const deliveries = [
      ...bodies.map((body) => ({ body, signature: sign(body, 'new-secret', 'body+sha256-base64') })),
      { body: bodies[0], signature: sign(bodies[0], 'new-secret', 'sha256-raw') },
      { body: bodies[1], signature: 'sha256=zz' },
      { body: bodies[1], signature: undefined },
    ];
    const result = calibrateDeliveries(deliveries, ['old-secret', 'new-secret']);
    expect(result.deliveries).toBe(6);
    expect(result.wellFormed).toBe(4);
    expect(result.matches).toEqual([
      { scheme: 'body+sha256-base64', secretIndex: 1, deliveries: 3 },
      { scheme: 'sha256-raw', secretIndex: 1, deliveries: 1 },
    ]);
  });

  it('finds nothing when no secret given produced the signatures', () => {
    const deliveries = bodies.map((body) => ({ body, signature: sign(body, 'new-secret', 'secret+body') }));
    expect(calibrateDeliveries(deliveries, ['other']).matches).toEqual([]);
    expect(calibrateDeliveries([], ['other'])).toEqual({ deliveries: 0, wellFormed: 0, matches: [] });
  });
});

describe('properties', () => {
  const json = fc.jsonValue().map((v) => `{"v":${JSON.stringify(v)}}`);
  const secret = fc.string({ minLength: 1, maxLength: 128 });
  const scheme = fc.constantFrom(...SIGNING_SCHEMES);

  it('sign then verify round-trips for any body, secret and scheme', () => {
    fc.assert(
      fc.property(json, secret, scheme, (body, s, sc) => {
        return verify(Buffer.from(body), sign(body, s, sc), [{ scheme: sc, secret: s }]).ok;
      }),
    );
  });

  it('any single-byte change inside the signed bytes fails', () => {
    fc.assert(
      fc.property(
        json,
        secret,
        scheme,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (body, s, sc, position, delta) => {
          const bytes = Buffer.from(body);
          const header = sign(bytes, s, sc);
          const changed = Buffer.from(bytes);
          const i = position % changed.length;
          changed[i] = (changed[i] + delta) % 256;
          return !verify(changed, header, [{ scheme: sc, secret: s }]).ok;
        },
      ),
    );
  });
});
