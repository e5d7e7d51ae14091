// lib/workqueue: the key queue controllers build on (client-go's util/workqueue).
export * from './queue.js';
export * from './delaying.js';
export * from './rate-limiters.js';
export * from './rate-limiting-queue.js';
export * from './workers.js';
export { queueMetrics, type QueueMetrics } from './metrics.js';
