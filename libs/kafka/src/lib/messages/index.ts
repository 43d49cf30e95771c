export * from './headers';
export * from './decode';
export * from './source-events';
export * from './webhook-event';
export * from './journey-detail';
export * from './entity-detail';
export * from './unverified-delivery';
