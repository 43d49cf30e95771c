import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@fenx/hmac';
import { calibrateFile, describeCalibration } from './calibrate';

describe('radar calibrate', () => {
  it('names the scheme that matches every well-formed delivery, and what to set', () => {
    const result = describeCalibration(
      { deliveries: 4, wellFormed: 3, matches: [{ scheme: 'sha256-base64', secretIndex: 0, deliveries: 3 }] },
      1,
    );
    expect(result.exitCode).toBe(0);
    expect(result.text).toContain('4 refused deliveries, 3 with a well-formed x-fenx-signature');
    expect(result.text).toContain('  sha256-base64 with secret 1: 3 of 3');
    expect(result.text).toContain('FenX signs with sha256-base64: set RADAR_SIGNING_SCHEME=sha256-base64');
    expect(result.text).not.toContain('match no scheme');
  });

  it('says how many deliveries the best scheme leaves unexplained', () => {
    const result = describeCalibration(
      { deliveries: 5, wellFormed: 5, matches: [{ scheme: 'secret', secretIndex: 1, deliveries: 3 }] },
      2,
    );
    expect(result.exitCode).toBe(0);
    expect(result.text).toContain('2 deliveries match no scheme with that secret');
  });

  it('exits 1 with what to do when the quarantine is empty or nothing matches', () => {
    const empty = describeCalibration({ deliveries: 0, wellFormed: 0, matches: [] }, 1);
    expect(empty).toMatchObject({ exitCode: 1 });
    expect(empty.text).toContain('fenx-admin webhooks test');
    const none = describeCalibration({ deliveries: 2, wellFormed: 2, matches: [] }, 1);
    expect(none).toMatchObject({ exitCode: 1 });
    expect(none.text).toContain('no scheme matches any delivery: check the secret');
  });

  it('calibrates one captured delivery, the secret from RADAR_WEBHOOK_SECRETS when not given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calibrate-'));
    const body = join(dir, 'body.json');
    writeFileSync(body, '{"Id":"1"}');
    const signature = sign('{"Id":"1"}', 's3cret', 'sha256-hex-lower+body');
    expect(calibrateFile({ body, signature }, { RADAR_WEBHOOK_SECRETS: '["s3cret"]' })).toEqual({
      exitCode: 0,
      text: expect.stringMatching(
        /^matches: sha256-hex-lower\+body\nset RADAR_SIGNING_SCHEME=sha256-hex-lower\+body/,
      ),
    });
    expect(calibrateFile({ body, signature, secret: 'other' }, {}).exitCode).toBe(1);
    expect(() => calibrateFile({ body, signature }, {})).toThrow(
      /--secret, RADAR_CALIBRATE_SECRET or RADAR_WEBHOOK_SECRETS/,
    );
    expect(() => calibrateFile({ body }, { RADAR_CALIBRATE_SECRET: 'x' })).toThrow(
      /--body and --signature, or --from-kafka/,
    );
  });
});
