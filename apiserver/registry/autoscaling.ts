// HorizontalPodAutoscalers: the status starts empty (Kubernetes 1.30 does not track generation
// for them). desiredReplicas (and in v1 currentReplicas) are plain integers, so Go serializes
// their zero values: a new HPA reads `status: {desiredReplicas: 0}`.
import type { KindRules } from './kind-rules.js';

export const AUTOSCALING_RULES: Record<string, KindRules> = {
  HorizontalPodAutoscaler: {
    initialStatus: (_hpa, ctx) => (ctx.resource.version === 'v1' ? { currentReplicas: 0, desiredReplicas: 0 } : { desiredReplicas: 0 }),
  },
};
