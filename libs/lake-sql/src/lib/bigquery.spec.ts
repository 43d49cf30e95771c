import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { Parser } from 'node-sql-parser';
import { bigQueryFiles, bigQueryStatements } from './bigquery';
import { LAKE_SOURCES } from './layout';
import { LakeSql, REPORTS, VIEW_NAMES } from './lake-sql';

const DIR = join(workspaceRoot, 'docs', 'sql', 'bigquery');
const parser = new Parser();
const bigquery = { database: 'bigquery' };

interface SelectColumn {
  as?: string | null;
  expr: { type: string; column?: string | { expr?: { value?: string } } };
}

/** The names of a parsed SELECT's (or CREATE VIEW's) columns, in order. */
function columnsOf(ast: unknown): string[] {
  const node = (Array.isArray(ast) ? ast[0] : ast) as { select?: unknown; columns?: SelectColumn[] };
  const select = (node.select ?? node) as { columns: SelectColumn[] };
  return select.columns.map((c) => {
    if (c.as) return c.as;
    const col = c.expr.column;
    const name = typeof col === 'string' ? col : col?.expr?.value;
    if (!name) throw new Error(`a column without a name: ${JSON.stringify(c).slice(0, 200)}`);
    return name;
  });
}

describe('the lake in BigQuery', () => {
  const statements = bigQueryStatements();

  it('ships docs/sql/bigquery/ as generated from the layout and the entity fields', () => {
    for (const [file, content] of Object.entries(bigQueryFiles())) {
      if (process.env['UPDATE_BIGQUERY_SQL']) writeFileSync(join(DIR, file), content);
      expect(readFileSync(join(DIR, file), 'utf8')).toBe(content);
    }
  });

  it("parses every view and report with node-sql-parser's BigQuery grammar", () => {
    const queries = statements.filter((s) => s.kind !== 'table');
    expect(queries.length).toBe(
      Object.keys(LAKE_SOURCES).length + VIEW_NAMES.length + Object.keys(REPORTS).length,
    );
    const failures: string[] = [];
    for (const s of queries) {
      try {
        parser.astify(s.sql, bigquery);
      } catch (error) {
        const at = (error as { location?: { start: { offset: number } } }).location?.start.offset ?? 0;
        failures.push(
          `${s.name} does not parse as BigQuery near ${JSON.stringify(s.sql.slice(Math.max(0, at - 80), at + 20))}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  it('declares each external table in the grammar of CREATE EXTERNAL TABLE, over the layout of each writer', () => {
    // node-sql-parser 5.4 has no CREATE EXTERNAL TABLE: the column list is parsed by it as a CREATE TABLE,
    // the clauses after it are checked against BigQuery's documented order and option names.
    const tables = statements.filter((s) => s.kind === 'table');
    expect(tables.map((t) => t.name).sort()).toEqual(
      Object.keys(LAKE_SOURCES)
        .flatMap((s) => [`${s}_connect`, `${s}_lake_sink`, `${s}_parquet`])
        .sort(),
    );
    const OPTIONS = new Set([
      'format',
      'uris',
      'hive_partition_uri_prefix',
      'require_hive_partition_filter',
      'ignore_unknown_values',
    ]);
    for (const t of tables) {
      const m =
        /^CREATE OR REPLACE EXTERNAL TABLE (`[a-z_]+\.[a-z_]+`) (\([\s\S]+?\n\))(\nWITH CONNECTION `[a-z0-9._-]+`)?\nWITH PARTITION COLUMNS \(dt DATE, hour INT64\)\nOPTIONS \(([\s\S]+)\)$/.exec(
          t.sql,
        );
      if (!m) throw new Error(`${t.name} is not CREATE OR REPLACE EXTERNAL TABLE … OPTIONS (…):\n${t.sql}`);
      // The parser knows no JSON type: JSON columns are checked as STRING ones.
      parser.astify(`CREATE TABLE ${m[1]} ${m[2].replace(/ JSON\b/g, ' STRING')}`, bigquery);
      const options = m[4].split(/,\n/).map((o) => {
        const kv = /^(\w+)\s*=\s*([\s\S]+)$/.exec(o.trim());
        if (!kv) throw new Error(`${t.name}: an option that is not name = value: ${o}`);
        return [kv[1], kv[2]];
      });
      for (const [name] of options) expect(OPTIONS.has(name)).toBe(true);
      const opt = Object.fromEntries(options);
      expect(opt['uris']).toMatch(
        t.name.endsWith('_parquet')
          ? /^\['s3:\/\/fenx-lake\/prod\/format=parquet\/topic=fenx\.[a-z.-]+v1\/\*\.parquet'\]$/
          : t.name.endsWith('_connect')
            ? /^\['s3:\/\/fenx-lake\/prod\/topic=fenx\.[a-z.-]+v1\/\*\.jsonl'\]$/
            : /^\['s3:\/\/fenx-lake\/prod\/topic=fenx\.[a-z.-]+v1\/\*\.ndjson'\]$/,
      );
      expect(opt['uris']).toContain(`'${opt['hive_partition_uri_prefix'].slice(1, -1)}/*`);
    }
  });

  it('gives every BigQuery view and report the columns of its DuckDB twin, in the same order', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lake-bq-'));
    const lake = await LakeSql.open(root);
    try {
      const duck = async (sql: string) =>
        (await lake.query(`DESCRIBE ${sql}`)).map((r) => String(r['column_name']));
      for (const name of VIEW_NAMES) {
        const s = statements.find((x) => x.kind === 'view' && x.name === name);
        if (!s) throw new Error(`no BigQuery view ${name}`);
        expect([name, columnsOf(parser.astify(s.sql, bigquery))]).toEqual([
          name,
          await duck(`SELECT * FROM ${name}`),
        ]);
      }
      for (const [name, report] of Object.entries(REPORTS)) {
        const s = statements.find((x) => x.kind === 'report' && x.name === name);
        if (!s) throw new Error(`no BigQuery report ${name}`);
        expect([name, columnsOf(parser.astify(s.sql, bigquery))]).toEqual([name, await duck(report.sql)]);
      }
    } finally {
      lake.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('builds the entities view with the policy fields, and refuses a path that is not one', () => {
    const entities = (f: Parameters<typeof bigQueryStatements>[0]) =>
      bigQueryStatements(f).find((s) => s.name === 'entities')?.sql ?? '';
    expect(entities({ fields: { country: '$.properties.domicile.value' } })).toContain(
      "JSON_VALUE(data, '$.properties.domicile.value') AS country",
    );
    expect(() => entities({ fields: { entityType: "$.x') --" } })).toThrow(/entity field entityType/);
  });
});
