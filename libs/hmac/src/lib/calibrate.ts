import { SIGNING_SCHEMES, SigningScheme } from './schemes';
import { parseSignature } from './signature';
import { Verifier } from './verifier';

/**
 * Given a delivery captured from FenX (raw body and its `x-fenx-signature`) and the webhook's
 * secret, returns the schemes that reproduce the signature: the way to settle which scheme FenX
 * really uses.
 */
export function calibrate(
  body: Buffer | string,
  header: string | undefined,
  secret: string,
): SigningScheme[] {
  return SIGNING_SCHEMES.filter((scheme) => new Verifier([{ scheme, secret }]).verify(body, header).ok);
}

/** One captured delivery: the body bytes as delivered and its signature header. */
export interface CapturedDelivery {
  body: Buffer;
  signature: string | undefined;
}

/** Which (scheme, secret) pairs reproduce how many of a set of captured deliveries. */
export interface Calibration {
  /** Deliveries examined. */
  deliveries: number;
  /** Of those, the ones whose header is a well-formed `sha256=<64 hex>`. */
  wellFormed: number;
  /** Every pair that matched at least one delivery, most matches first. */
  matches: { scheme: SigningScheme; secretIndex: number; deliveries: number }[];
}

/**
 * Tries every candidate scheme with every given secret (current and previous, say) on each
 * delivery, and counts the matches. A scheme that matches every well-formed delivery is FenX's.
 */
export function calibrateDeliveries(
  deliveries: Iterable<CapturedDelivery>,
  secrets: readonly string[],
): Calibration {
  const candidates = secrets.flatMap((secret, secretIndex) =>
    SIGNING_SCHEMES.map((scheme) => ({
      scheme,
      secretIndex,
      verifier: new Verifier([{ scheme, secret }]),
      deliveries: 0,
    })),
  );
  let count = 0;
  let wellFormed = 0;
  for (const { body, signature } of deliveries) {
    count++;
    if (!parseSignature(signature).ok) continue;
    wellFormed++;
    for (const c of candidates) if (c.verifier.verify(body, signature).ok) c.deliveries++;
  }
  return {
    deliveries: count,
    wellFormed,
    matches: candidates
      .filter((c) => c.deliveries > 0)
      .sort((a, b) => b.deliveries - a.deliveries)
      .map(({ scheme, secretIndex, deliveries: n }) => ({ scheme, secretIndex, deliveries: n })),
  };
}
