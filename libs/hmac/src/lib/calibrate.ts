import { SIGNING_SCHEMES, SigningScheme } from './schemes';
import { Verifier } from './verifier';

/**
 * Given a delivery captured from FenX (raw body and its `x-fenx-signature`) and the webhook's
 * secret, returns the key derivations that reproduce the signature: the way to settle which
 * scheme FenX really uses.
 */
export function calibrate(
  body: Buffer | string,
  header: string | undefined,
  secret: string,
): SigningScheme[] {
  return SIGNING_SCHEMES.filter((scheme) => new Verifier([{ scheme, secret }]).verify(body, header).ok);
}
