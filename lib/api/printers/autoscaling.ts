// Printer for HorizontalPodAutoscaler: REFERENCE, TARGETS ("cpu: 40%/80%"), MINPODS, MAXPODS,
// REPLICAS. autoscaling/v1 objects are read through the same v2 metric shapes Kubernetes converts
// them to (targetCPUUtilizationPercentage becomes a cpu Utilization metric).

import type {
  HorizontalPodAutoscaler,
  MetricSpec,
  MetricStatus,
} from 'kubernetes-types/autoscaling/v2.js';
import type { HorizontalPodAutoscaler as HorizontalPodAutoscalerV1 } from 'kubernetes-types/autoscaling/v1.js';
import { int, items, quantityString, str } from './format.js';
import { AGE_COLUMN, column, NAME_COLUMN, translateTimestampSince, type Printer } from './table.js';

const MAX_SHOWN = 2;

type AnyHPA = HorizontalPodAutoscaler & HorizontalPodAutoscalerV1;

/** The metric specs and statuses of a v2 object, or those a v1 object converts to. */
export function hpaMetrics(hpa: AnyHPA): { specs: readonly MetricSpec[]; statuses: readonly MetricStatus[] } {
  const v1Spec = hpa.spec as HorizontalPodAutoscalerV1['spec'] | undefined;
  const v1Status = hpa.status as HorizontalPodAutoscalerV1['status'] | undefined;
  const isV1 = hpa.apiVersion === 'autoscaling/v1' || typeof v1Spec?.targetCPUUtilizationPercentage === 'number';
  if (!isV1) {
    return { specs: items(hpa.spec?.metrics), statuses: items(hpa.status?.currentMetrics) };
  }
  const specs: MetricSpec[] = [];
  const statuses: MetricStatus[] = [];
  if (typeof v1Spec?.targetCPUUtilizationPercentage === 'number') {
    specs.push({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: v1Spec.targetCPUUtilizationPercentage } },
    });
  }
  if (typeof v1Status?.currentCPUUtilizationPercentage === 'number') {
    statuses.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: v1Status.currentCPUUtilizationPercentage } } });
  }
  return { specs, statuses };
}

const percent = (n: number | undefined): string | undefined => (typeof n === 'number' ? `${int(n)}%` : undefined);
const quantity = (q: unknown): string | undefined => (q === undefined || q === null ? undefined : quantityString(q));
/** A *resource.Quantity: Go prints a nil one as "<nil>". */
const ptrQuantity = (q: unknown): string => quantity(q) ?? '<nil>';

function describeMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External': {
      const target = spec.external?.target;
      if (target?.averageValue != null) {
        const current = quantity(status?.external?.current?.averageValue) ?? '<unknown>';
        return `${current}/${ptrQuantity(target.averageValue)} (avg)`;
      }
      const current = status?.external ? ptrQuantity(status.external.current?.value) : '<unknown>';
      return `${current}/${ptrQuantity(target?.value)}`;
    }
    case 'Pods': {
      const current = status?.pods ? ptrQuantity(status.pods.current?.averageValue) : '<unknown>';
      return `${current}/${ptrQuantity(spec.pods?.target?.averageValue)}`;
    }
    case 'Object': {
      const target = spec.object?.target;
      if (target?.averageValue != null) {
        const current = quantity(status?.object?.current?.averageValue) ?? '<unknown>';
        return `${current}/${ptrQuantity(target.averageValue)} (avg)`;
      }
      const current = status?.object ? ptrQuantity(status.object.current?.value) : '<unknown>';
      return `${current}/${ptrQuantity(target?.value)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const observed = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      const name = str(source?.name);
      if (source?.target?.averageValue != null) {
        const current = observed ? ptrQuantity(observed.current?.averageValue) : '<unknown>';
        return `${name}: ${current}/${ptrQuantity(source.target.averageValue)}`;
      }
      const current = percent(observed?.current?.averageUtilization) ?? '<unknown>';
      const target = percent(source?.target?.averageUtilization) ?? '<auto>';
      return `${name}: ${current}/${target}`;
    }
    default:
      return '<unknown type>';
  }
}

/** The TARGETS cell: each metric as current/target, at most two, then "+ N more...". */
export function formatHPAMetrics(hpa: AnyHPA): string {
  const { specs, statuses } = hpaMetrics(hpa);
  if (specs.length === 0) return '<none>';
  // Statuses pair with specs by position, as in Kubernetes.
  const list = specs.map((spec, i) => describeMetric(spec, statuses[i]));
  if (list.length > MAX_SHOWN) return `${list.slice(0, MAX_SHOWN).join(', ')} + ${list.length - MAX_SHOWN} more...`;
  return list.join(', ');
}

export const horizontalPodAutoscalerPrinter: Printer<AnyHPA> = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'string', 'The scaled resource, as Kind/name.'),
    column('Targets', 'string', 'Current and target values of the metrics.'),
    column('MinPods', 'string', 'The lower limit for the number of replicas.'),
    column('MaxPods', 'string', 'The upper limit for the number of replicas.'),
    column('Replicas', 'string', 'The current number of replicas.'),
    AGE_COLUMN,
  ],
  print(hpa, { now }) {
    const ref = hpa.spec?.scaleTargetRef;
    const minReplicas = hpa.spec?.minReplicas;
    return {
      cells: [
        str(hpa.metadata?.name),
        `${str(ref?.kind)}/${str(ref?.name)}`,
        formatHPAMetrics(hpa),
        typeof minReplicas === 'number' ? String(int(minReplicas)) : '<unset>',
        int(hpa.spec?.maxReplicas),
        int(hpa.status?.currentReplicas),
        translateTimestampSince(hpa.metadata?.creationTimestamp, now),
      ],
    };
  },
};
