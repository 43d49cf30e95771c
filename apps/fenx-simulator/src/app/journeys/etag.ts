import { createHash } from 'node:crypto';

export function journeyEtag(id: string, version: number): string {
  return `"${createHash('sha1').update(`${id}:${version}`).digest('hex').slice(0, 20)}"`;
}

/** Whether an If-None-Match header (a list, maybe weak, maybe `*`) matches the current ETag. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}
