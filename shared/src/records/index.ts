export * from './counts.js';
export * from './heat.js';
export * from './period.js';
export * from './types.js';
