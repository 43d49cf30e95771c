import { DuckDBInstance } from '@duckdb/node-api';
import { linesSql, parquetRowsSql, topicGlob, WRITER_LAYOUTS } from './layout';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Writes one Parquet file (`out`) of a topic's lake files under a local root (lake-sink's and Kafka
 * Connect's alike), sorted by key, with DuckDB's `COPY … (FORMAT PARQUET)`. Deterministic: the same
 * files give the same bytes (one thread, a total order, fixed settings), so a rerun rewrites the same file.
 */
export async function writeParquet(
  root: string,
  topic: string,
  out: string,
): Promise<{ rows: number; sources: number }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const base = root.replace(/\/+$/, '');
    const parts: string[] = [];
    for (const layout of WRITER_LAYOUTS) {
      const glob = topicGlob(base, topic, layout);
      const n = (
        await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM glob(${quote(glob)})`)
      ).getRowObjectsJson()[0]['n'];
      if (Number(n) > 0)
        parts.push(
          `SELECT line, substr(filename, ${base.length + 2}) AS source_file FROM (${linesSql(glob, layout)})`,
        );
    }
    if (parts.length === 0) throw new Error(`no lake files of ${topic} under ${root}`);
    const rows = parquetRowsSql(parts.join('\n UNION ALL '));
    await connection.run(
      `COPY (${rows}) TO ${quote(out)} (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 122880)`,
    );
    const [stats] = (
      await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT source_file)::INTEGER AS s FROM read_parquet(${quote(out)})`,
      )
    ).getRowObjectsJson();
    return { rows: Number(stats['n']), sources: Number(stats['s']) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
