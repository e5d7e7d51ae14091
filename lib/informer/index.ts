export * from './indexer.js';
export * from './lister.js';
export * from './list-watch.js';
export * from './reflector.js';
export * from './shared-informer.js';
export * from './factory.js';
export * from './tombstone.js';
