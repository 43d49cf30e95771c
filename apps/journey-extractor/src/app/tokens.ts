/** The validated configuration of the app. */
export const JOURNEY_CONFIG = Symbol('JOURNEY_CONFIG');
