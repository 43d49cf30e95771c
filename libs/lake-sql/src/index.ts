export * from './lib/lake-sql';
export * from './lib/format';
export * from './lib/sql-error';
export * from './lib/layout';
export * from './lib/parquet';
export * from './lib/fields';
