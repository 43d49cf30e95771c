export * from './lib/schemes';
export * from './lib/signed-bytes';
export * from './lib/signature';
export * from './lib/verifier';
export * from './lib/calibrate';
