// lib/api: the shared API machinery (apimachinery for k8ts). Import from here or from the files.
export * from './registry.js';
export * from './field-errors.js';
export * from './status.js';
export * from './names.js';
export * from './labels.js';
export * from './fields.js';
export * from './quantity.js';
export * from './yaml.js';
export { applyDefaults } from './defaults/index.js';
export { validateObject } from './validation/index.js';
export { validateSchema, validateSchemaSync, preloadSchemas } from './schema.js';
// Object types: import them from './types.js' (their names overlap the machinery's: Status, Quantity, …).
