import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';

interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown> & { kibanaSavedObjectMeta?: { searchSourceJSON: string } };
  references: { id: string; name: string; type: string }[];
}

const EXPORT = join(workspaceRoot, 'docs', 'kibana', 'events-not-stored.ndjson');
const lines = readFileSync(EXPORT, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const objects = lines.filter(
  (l): l is SavedObject & Record<string, unknown> => typeof l['type'] === 'string',
);
const search = objects.find((o) => o.type === 'search');
const source = JSON.parse(search?.attributes.kibanaSavedObjectMeta?.searchSourceJSON ?? '{}') as {
  query: { query: string; language: string };
  indexRefName: string;
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the Kibana saved search "radar: events not stored" (docs/kibana)', () => {
  it('is an importable export: a search whose data view is in the file, on @timestamp', () => {
    expect(search?.attributes['title']).toBe('radar: events not stored');
    expect(source.query.language).toBe('kuery');
    const ref = search?.references.find((r) => r.name === source.indexRefName);
    const view = objects.find((o) => o.type === ref?.type && o.id === ref?.id);
    expect(view?.attributes['timeFieldName']).toBe('@timestamp');
    expect(lines[lines.length - 1]).toMatchObject({ exportedCount: objects.length, missingRefCount: 0 });
  });

  it('has the KQL docs/operations.md gives', () => {
    const doc = readFileSync(join(workspaceRoot, 'docs', 'operations.md'), 'utf8');
    const block = /```kql\n([^\n]+)\n```/.exec(doc);
    expect(block?.[1]).toBe(source.query.query);
  });

  it('names only messages radar writes, and every one it writes when it answers 503', () => {
    const radar = sources(join(workspaceRoot, 'apps', 'radar', 'src'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const named = [...source.query.query.matchAll(/message : "([^"]+)"/g)].map((m) => m[1]);
    // pino-http writes 'request errored' itself, for every 5xx answer.
    const own = named.filter((m) => m !== 'request errored');
    expect(own.filter((m) => !radar.includes(m.replace(/'/g, "\\'")) && !radar.includes(m))).toEqual([]);
    const written503 = [...radar.matchAll(/'([^'\n]*answered 503)'|"([^"\n]*answered 503)"/g)].map(
      (m) => m[1] ?? m[2],
    );
    expect(written503.length).toBeGreaterThan(0);
    expect(written503.filter((m) => !named.includes(m))).toEqual([]);
  });
});
