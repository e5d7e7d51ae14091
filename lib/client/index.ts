export * from './errors.js';
export * from './kubeconfig.js';
export * from './paths.js';
export * from './rest.js';
export * from './transport.js';
export * from './watch.js';
export * from './client.js';
export * from './from-flags.js';
