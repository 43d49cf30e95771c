import { readFile } from 'node:fs/promises';
import { readReport, ReportReadOptions } from '@fenx/extraction';
import { distinctIds, entityIdOfRow, FenxClient, ReportRow } from '@fenx/fenx-client';

/** An id as FenX prints it: no path separators, no blanks, of sane length. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

export class IdListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdListError';
  }
}

/**
 * Entity ids from a text file: one per line (the first comma-, semicolon- or blank-separated field,
 * so a CSV export works), `#` starts a comment, a header line `entityId` is skipped. Every bad line is
 * named in one error. Returns the distinct ids.
 */
export function parseIdList(text: string, source = 'ids'): string[] {
  const ids = new Set<string>();
  const bad: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const first = line.split(/[,;\s]+/)[0].replace(/^"|"$/g, '');
    if (i === 0 && /^(entity_?id|id)$/i.test(first)) return;
    if (ID.test(first)) ids.add(first);
    else bad.push(`line ${i + 1}: ${JSON.stringify(first.slice(0, 60))}`);
  });
  if (bad.length > 0)
    throw new IdListError(
      `${source}: ${bad.length} line(s) are not entity ids: ${bad.slice(0, 10).join('; ')}${bad.length > 10 ? '; …' : ''}`,
    );
  return [...ids];
}

export async function readIdFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new IdListError(`cannot read the id file ${path}: ${(error as Error).message}`);
  }
  return parseIdList(text, path);
}

export interface ReportListing {
  /** Ids in first-seen order. */
  ids: string[];
  windows: number;
  rows: number;
  rowsWithoutId: number;
}

const DAY_MS = 86_400_000;

/**
 * Every entity FenX's reports know of between `since` and `until`: FenX has no entity listing, so the
 * "entities created" and "entities updated" reports are read window by window, each window split
 * further while it holds more rows than FenX answers (10,000), and their ids united.
 */
export async function idsFromReports(
  client: FenxClient,
  since: Date,
  until: Date,
  windowDays = 30,
  options: ReportReadOptions = {},
): Promise<ReportListing> {
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime()))
    throw new IdListError('since/until must be dates');
  if (since > until)
    throw new IdListError(`since (${since.toISOString()}) is after until (${until.toISOString()})`);
  const ids = new Set<string>();
  const listing: ReportListing = { ids: [], windows: 0, rows: 0, rowsWithoutId: 0 };
  for (let start = since.getTime(); start <= until.getTime(); start += windowDays * DAY_MS) {
    const end = new Date(Math.min(until.getTime(), start + windowDays * DAY_MS - 1));
    const rows: ReportRow[] = [];
    for (const kind of ['entity-created', 'entity-updated'] as const)
      rows.push(...(await readReport(client, kind, { start: new Date(start), end }, options)).rows);
    const found = distinctIds(rows, entityIdOfRow);
    found.ids.forEach((id) => ids.add(id));
    listing.windows += 1;
    listing.rows += rows.length;
    listing.rowsWithoutId += found.rowsWithoutId;
  }
  listing.ids = [...ids];
  return listing;
}
