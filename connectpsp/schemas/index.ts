export * from './fields.js';
export * from './headers.js';
export * from './auth.js';
export * from './cash-in.js';
export * from './cash-out.js';
export * from './account.js';
export * from './webhook.js';
export * from './problem.js';
