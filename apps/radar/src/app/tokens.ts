export const RADAR_CONFIG = Symbol('RADAR_CONFIG');
