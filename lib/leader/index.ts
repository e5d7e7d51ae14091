// lib/leader: leader election on coordination.k8s.io/v1 Leases (client-go's tools/leaderelection).
export * from './elector.js';
export * from './lock.js';
export * from './record.js';
export * from './memory-lock.js';
export { leaderMetrics, type LeaderMetrics } from './metrics.js';
export * from './rest-lock.js';
