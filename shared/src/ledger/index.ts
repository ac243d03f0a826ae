export { ledgerActions } from './actions.js';
export * from './commands.js';
export { decideLedger } from './decide.js';
export * from './events.js';
export * from './evolve.js';
export * from './permissions.js';
export * from './types.js';
