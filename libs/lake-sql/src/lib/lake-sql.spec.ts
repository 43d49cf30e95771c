import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatCsv, formatTable } from './format';
import { LakeSql, REPORTS } from './lake-sql';
import { SqlError } from './sql-error';

const J = 'fenx.journey.details.v1';
const E = 'fenx.entity.details.v1';

interface Rec {
  topic: string;
  offset: number;
  key: string;
  value: unknown;
  timestamp?: string;
}

/**
 * Writes records as Kafka Connect's S3 sink writes them (CONNECT_LAYOUT): `.jsonl` files of
 * `key, value, offset, timestamp, headers` lines, named by topic, partition and start offset.
 */
function writeConnectLake(root: string, files: Rec[][], wroteAt = '2026-11-23T08:05:00.000Z'): void {
  for (const recs of files) {
    const first = recs[0];
    const path = join(
      root,
      `topic=${first.topic}/dt=${wroteAt.slice(0, 10)}/hour=${wroteAt.slice(11, 13)}/${first.topic}+0+${first.offset}.jsonl`,
    );
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      recs
        .map((r, i) =>
          JSON.stringify({
            key: r.key,
            value: r.value,
            offset: r.offset,
            timestamp:
              i % 2 === 0
                ? Date.parse(r.timestamp ?? '2026-11-23T05:30:00.000Z')
                : (r.timestamp ?? '2026-11-23T05:30:00.000Z'),
            headers: [{ key: 'fenx-schema', value: 'test' }],
          }),
        )
        .join('\n') + '\n',
    );
  }
}

/** Writes records in the lake layout, one file per record group, in the order given. */
function writeLake(root: string, files: Rec[][]): void {
  for (const recs of files) {
    const first = recs[0];
    const ts = first.timestamp ?? '2026-11-23T05:30:00.000Z';
    const path = join(
      root,
      `topic=${first.topic}/dt=${ts.slice(0, 10)}/hour=${ts.slice(11, 13)}/${first.topic}+0+${first.offset}.ndjson`,
    );
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      recs
        .map((r) =>
          JSON.stringify({
            topic: r.topic,
            partition: 0,
            offset: String(r.offset),
            timestamp: ts,
            key: r.key,
            headers: {},
            value: r.value,
          }),
        )
        .join('\n') + '\n',
    );
  }
}

const task = (id: string, started: string | null, completed: string | null, by: string | null = null) => ({
  id,
  name: `Task ${id}`,
  status: completed ? 'Done' : started ? 'In Progress' : 'Not Started',
  assignedTo: 'analyst.one@bank.example',
  started,
  completed,
  completedBy: by,
});

function journey(
  version: number,
  fetchedAt: string,
  tasks: ReturnType<typeof task>[],
  extra: Record<string, unknown> = {},
) {
  return {
    schema: 'fenx.journey-detail.v1',
    journeyId: 'j1',
    tenantId: 't',
    state: 'present',
    etag: `"${version}"`,
    fetchedAt,
    eventTime: fetchedAt,
    sourceEvents: [],
    journey: {
      id: 'j1',
      entityId: 'e1',
      type: 'Client Onboarding',
      name: 'Client Onboarding - Acme',
      status: tasks.every((t) => t.completed) ? 'Done' : 'In Progress',
      journeyOwner: { ownerId: 'analyst.one@bank.example' },
      started: '2026-11-23T05:00:00.1234567Z',
      completed: tasks.every((t) => t.completed) ? '2026-11-23T07:00:00Z' : null,
      version,
      stats: { completed: tasks.filter((t) => t.completed).length, total: tasks.length },
      stages: [
        {
          name: 'Onboarding',
          started: '2026-11-23T05:00:00Z',
          completed: tasks.every((t) => t.completed) ? '2026-11-23T07:00:00Z' : null,
          processes: [{ name: 'KYC', tasks }],
        },
      ],
      ...extra,
    },
  };
}

const v1 = journey(1, '2026-11-23T05:10:00Z', [
  task('a', '2026-11-23T05:00:00Z', null),
  task('b', null, null),
]);
const v2 = journey(2, '2026-11-23T06:10:00Z', [
  task('a', '2026-11-23T05:00:00Z', '2026-11-23T06:00:00Z', 'analyst.two@bank.example'),
  task('b', '2026-11-23T06:00:00Z', null),
]);
const v3 = journey(3, '2026-11-23T07:10:00Z', [
  task('a', '2026-11-23T05:00:00Z', '2026-11-23T06:00:00Z', 'analyst.two@bank.example'),
  task('b', '2026-11-23T06:00:00Z', '2026-11-23T07:00:00Z', 'analyst.one@bank.example'),
]);
const entity = (version: number, fetchedAt: string) => ({
  schema: 'fenx.entity-detail.v1',
  kind: 'entity',
  entityId: 'e1',
  tenantId: 't',
  state: 'present',
  version,
  fetchedAt,
  eventTime: fetchedAt,
  sourceEvents: [],
  data: {
    id: 'e1',
    type: 'Company',
    lifecycleStatus: 'Active',
    version,
    properties: {
      legalEntityName: { type: 'Single', value: 'Acme Ltd' },
      countryOfIncorporation: { type: 'Single', value: version > 1 ? 'IE' : 'GB' },
    },
  },
});
const conflict = (behind: boolean, fetchedAt: string) => ({
  schema: 'fenx.entity-detail.v1',
  kind: 'conflict',
  entityId: 'e1',
  draftId: 'd1',
  tenantId: 't',
  state: 'present',
  version: null,
  fetchedAt,
  eventTime: fetchedAt,
  sourceEvents: [],
  data: null,
  conflict: {
    draftId: 'd1',
    journeyId: 'j1',
    draftSourceVersion: 1,
    verifiedVersion: 2,
    fields: behind ? [{ field: 'countryOfIncorporation', verifiedValue: 'IE', draftValue: 'GB' }] : [],
    behind,
  },
});

const records: Rec[] = [
  { topic: J, offset: 0, key: 'j1', value: v1 },
  { topic: J, offset: 1, key: 'j1', value: v2 },
  { topic: J, offset: 2, key: 'j1', value: v3 },
  { topic: E, offset: 0, key: 'e1', value: entity(1, '2026-11-23T05:10:00Z') },
  { topic: E, offset: 1, key: 'e1', value: entity(2, '2026-11-23T06:10:00Z') },
  { topic: E, offset: 2, key: 'e1/conflict/d1', value: conflict(true, '2026-11-23T06:11:00Z') },
];

async function viewsOf(files: Rec[][], connectFiles: Rec[][] = []) {
  const root = mkdtempSync(join(tmpdir(), 'lake-sql-'));
  try {
    writeLake(root, files);
    writeConnectLake(root, connectFiles);
    const lake = await LakeSql.open(root);
    try {
      return {
        journeys: await lake.query(
          'SELECT journey_id, version, status, entity_id, owner, started, completed, tasks_done FROM journeys',
        ),
        tasks: await lake.query(
          'SELECT task_id, change, changed_at, by_user FROM journey_tasks ORDER BY task_id, changed_at, change',
        ),
        entities: await lake.query('SELECT entity_id, version, country, entity_type, name FROM entities'),
        behind: await lake.query(
          'SELECT entity_id, draft_id, journey_id, verified_version, fields FROM entity_drafts_behind',
        ),
        reports: Object.fromEntries(
          await Promise.all(Object.keys(REPORTS).map(async (r) => [r, await lake.report(r)])),
        ),
      };
    } finally {
      lake.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('SQL over the lake', () => {
  it('reads a lake written by Kafka Connect, or by both writers at once, into the same views', async () => {
    const sink = await viewsOf(records.map((r) => [r]));
    const connect = await viewsOf([], [records.slice(0, 3), records.slice(3)]);
    expect(connect).toEqual(sink);
    // Half from each writer, and Connect's at-least-once repeats of what lake-sink also wrote.
    const mixed = await viewsOf(
      records.slice(0, 4).map((r) => [r]),
      [[records[1], records[2]], records.slice(3)],
    );
    expect(mixed).toEqual(sink);
  });

  it("reads an entity's country, type and name where the policy keeps them (settings)", async () => {
    const root = mkdtempSync(join(tmpdir(), 'lake-sql-'));
    try {
      const other = entity(2, '2026-11-23T06:10:00Z');
      const data = other.data as Record<string, unknown>;
      data['properties'] = { registeredName: { value: 'Acme SA' }, domicile: { value: 'LU' } };
      data['entityKind'] = 'Fund';
      writeLake(root, [[{ topic: E, offset: 0, key: 'e1', value: other }]]);
      const lake = await LakeSql.open(root, {
        fields: {
          country: '$.properties.domicile.value',
          entityType: '$.entityKind',
          name: '$.properties.registeredName.value',
        },
      });
      try {
        expect(await lake.query('SELECT country, entity_type, name FROM entities')).toEqual([
          { country: 'LU', entity_type: 'Fund', name: 'Acme SA' },
        ]);
      } finally {
        lake.close();
      }
      await expect(LakeSql.open(root, { fields: { country: "$.a' OR 1=1" } })).rejects.toThrow(
        /entity field country/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('gives each line of either writer the same coordinates', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lake-sql-'));
    try {
      writeLake(root, [[records[0]]]);
      writeConnectLake(root, [[records[1], records[2]]]);
      const lake = await LakeSql.open(root);
      try {
        const rows = await lake.query(
          `SELECT line->>'$.topic' AS topic, CAST(line->>'$.partition' AS INTEGER) AS partition,
                  line->>'$.offset' AS "offset", line->>'$.timestamp' AS ts, line->>'$.key' AS key
             FROM journey_detail_records ORDER BY 3`,
        );
        expect(rows).toEqual(
          [0, 1, 2].map((o) => ({
            topic: J,
            partition: 0,
            offset: String(o),
            ts: '2026-11-23T05:30:00.000Z',
            key: 'j1',
          })),
        );
      } finally {
        lake.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('gives the latest state of each journey and entity, the task audit trail and the drafts behind', async () => {
    const v = await viewsOf(records.map((r) => [r]));
    expect(v.journeys).toEqual([
      {
        journey_id: 'j1',
        version: 3,
        status: 'Done',
        entity_id: 'e1',
        owner: 'analyst.one@bank.example',
        started: '2026-11-23 05:00:00.123456+00',
        completed: '2026-11-23 07:00:00+00',
        tasks_done: 2,
      },
    ]);
    expect(v.tasks).toEqual([
      {
        task_id: 'a',
        change: 'started',
        changed_at: '2026-11-23 05:00:00+00',
        by_user: 'analyst.one@bank.example',
      },
      {
        task_id: 'a',
        change: 'completed',
        changed_at: '2026-11-23 06:00:00+00',
        by_user: 'analyst.two@bank.example',
      },
      {
        task_id: 'b',
        change: 'started',
        changed_at: '2026-11-23 06:00:00+00',
        by_user: 'analyst.one@bank.example',
      },
      {
        task_id: 'b',
        change: 'completed',
        changed_at: '2026-11-23 07:00:00+00',
        by_user: 'analyst.one@bank.example',
      },
    ]);
    expect(v.entities).toEqual([
      { entity_id: 'e1', version: 2, country: 'IE', entity_type: 'Company', name: 'Acme Ltd' },
    ]);
    expect(v.behind).toHaveLength(1);
    expect(v.behind[0]).toMatchObject({
      entity_id: 'e1',
      draft_id: 'd1',
      journey_id: 'j1',
      verified_version: 2,
    });
    expect(v.reports['onboarding-weekly']).toEqual([
      {
        week: '2026-11-23',
        country: 'IE',
        entity_type: 'Company',
        owner: 'analyst.one@bank.example',
        started: 1,
        completed: 1,
      },
    ]);
    expect(v.reports['stage-times']).toEqual([
      { journey_type: 'Client Onboarding', stage: 'Onboarding', completed: 1, median_hours: 2, p90_hours: 2 },
    ]);
    expect(v.reports['open-reassessments']).toEqual([]);
    expect(v.reports['drafts-behind']).toHaveLength(1);
  });

  it('gives the same answers when records arrive out of order and twice', async () => {
    const inOrder = await viewsOf(records.map((r) => [r]));
    const shuffled = [records[2], records[0], records[5], records[1], records[4], records[3]];
    const twice = [...shuffled, ...records].map((r, i) => [{ ...r, offset: r.offset + 100 * i }]);
    expect(await viewsOf(twice)).toEqual(inOrder);
  });

  it('clears a draft from the behind list once a later conflict record says it caught up', async () => {
    const v = await viewsOf(
      [
        ...records,
        { topic: E, offset: 3, key: 'e1/conflict/d1', value: conflict(false, '2026-11-23T06:30:00Z') },
      ].map((r) => [r]),
    );
    expect(v.behind).toEqual([]);
  });

  it('names the reports when asked for one that does not exist', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lake-sql-'));
    const lake = await LakeSql.open(`${root}/`);
    try {
      expect(() => lake.report('nope')).toThrow(/unknown report nope \(reports: onboarding-weekly/);
    } finally {
      lake.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('has empty views for a lake with no files yet', async () => {
    const v = await viewsOf([]);
    expect(v.journeys).toEqual([]);
    expect(v.entities).toEqual([]);
  });
});

describe('output formats', () => {
  const rows = [
    { a: 1, b: 'x, "y"', c: null },
    { a: 22, b: 'z', c: { n: 1 } },
  ];
  it('prints an aligned table and RFC 4180 CSV', () => {
    expect(formatTable(rows)).toBe(
      ['a   b       c', '--  ------  -------', '1   x, "y"', '22  z       {"n":1}'].join('\n'),
    );
    expect(formatCsv(rows)).toBe('a,b,c\n1,"x, ""y""",\n22,z,"{""n"":1}"\n');
    expect(formatTable([])).toBe('(no rows)');
    expect(formatCsv([])).toBe('');
  });
});

describe('tables with non-ASCII text', () => {
  it('aligns columns in terminal columns', () => {
    const lines = formatTable([
      { name: '北京 Holdings', country: 'CN' },
      { name: 'Müller GmbH', country: 'DE' },
    ]).split('\n');
    expect(lines).toEqual([
      'name           country',
      '-------------  -------',
      '北京 Holdings  CN',
      'Müller GmbH    DE',
    ]);
  });
});

describe('SQL errors', () => {
  let root: string;
  let lake: LakeSql;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'lake-sql-'));
    lake = await LakeSql.open(root);
  });
  afterAll(() => {
    lake.close();
    rmSync(root, { recursive: true, force: true });
  });

  const refused = (sql: string) =>
    lake.query(sql).then(
      () => {
        throw new Error(`DuckDB took ${sql}`);
      },
      (e: unknown) => e as SqlError,
    );

  it('says a syntax error on one line with its line and column', async () => {
    const e = await refused('SELECT count(*)\n  FROM journeys WHER x = 1');
    expect(e).toBeInstanceOf(SqlError);
    expect(e.message).toBe('SQL error at line 2, column 22: Parser Error: syntax error at or near "x"');
    expect(e).toMatchObject({ kind: 'Parser Error', line: 2, column: 22 });
  });

  it("keeps DuckDB's hints on the same line", async () => {
    const e = await refused('SELECT nope FROM journeys');
    expect(e.message).toMatch(
      /^SQL error at line 1, column 8: Binder Error: Referenced column "nope" not found/,
    );
    expect(e.message).not.toContain('\n');
    const missing = await refused('SELECT * FROM journey');
    expect(missing.message).toMatch(
      /^SQL error at line 1, column 15: Catalog Error: Table with name journey does not exist!; Did you mean "journeys"/,
    );
  });

  it('passes on errors that are not query errors', () => {
    const other = new Error('socket closed');
    expect(SqlError.from(other)).toBe(other);
    expect(SqlError.from('text')).toBe('text');
    expect((SqlError.from(new Error('Invalid Input Error: no position')) as SqlError).message).toBe(
      'SQL error: Invalid Input Error: no position',
    );
  });
});
