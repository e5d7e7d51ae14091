// Defaults of HorizontalPodAutoscalers (pkg/apis/autoscaling/v2/defaults.go and v1).
// v2: minReplicas 1; no metrics → 80% average CPU utilization; a `behavior` that is given is
// completed with the default scale-up/scale-down rules (a missing `behavior` stays missing, as
// in Kubernetes, and the controller applies the same defaults at run time).

import { child, defaultIfUnset, isEmptyList, type Obj } from './util.js';

export const DEFAULT_CPU_UTILIZATION = 80;

/** Default scale-up rules: no stabilization, the larger of +4 pods or +100% per 15 s. */
export function defaultScaleUpRules(): Obj {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** Default scale-down rules: 300 s stabilization, up to -100% per 15 s. */
export function defaultScaleDownRules(): Obj {
  return {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

function completeRules(given: unknown, defaults: Obj): Obj {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return defaults;
  const g = given as Obj;
  for (const key of ['selectPolicy', 'stabilizationWindowSeconds', 'policies']) {
    if (g[key] !== undefined && g[key] !== null) defaults[key] = g[key];
  }
  return defaults;
}

export function defaultHorizontalPodAutoscalerV2(hpa: Obj): void {
  const spec = child(hpa, 'spec');
  if (!spec) return;
  defaultIfUnset(spec, 'minReplicas', 1);
  if (isEmptyList(spec, 'metrics')) {
    spec['metrics'] = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } },
      },
    ];
  }
  const behavior = child(spec, 'behavior');
  if (behavior) {
    behavior['scaleUp'] = completeRules(behavior['scaleUp'], defaultScaleUpRules());
    behavior['scaleDown'] = completeRules(behavior['scaleDown'], defaultScaleDownRules());
  }
}

/** autoscaling/v1: minReplicas 1 (the CPU target default is applied by the controller). */
export function defaultHorizontalPodAutoscalerV1(hpa: Obj): void {
  const spec = child(hpa, 'spec');
  if (spec) defaultIfUnset(spec, 'minReplicas', 1);
}
