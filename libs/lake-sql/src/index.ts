export * from './lib/lake-sql';
export * from './lib/format';
