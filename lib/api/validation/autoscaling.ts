// Validation of HorizontalPodAutoscalers (autoscaling/v2 and v1), after
// pkg/apis/autoscaling/validation.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { compare, newQuantity } from '../quantity.js';
import { has, isObj, isValidPathSegmentName, list, num, obj, type Obj, quantityAt, quantityText, str } from './common.js';
import { nameIsDNSSubdomain, validateObjectMeta } from './meta.js';

const META_RULES = { namespaced: true, nameFn: nameIsDNSSubdomain };
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;
const ZERO = newQuantity(0);

function validateReplicaBounds(spec: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const min = num(spec, 'minReplicas');
  const max = num(spec, 'maxReplicas') ?? 0;
  if (min !== undefined && min < 1) causes.push(fieldError.invalid(path.child('minReplicas').toString(), min, 'must be greater than or equal to 1'));
  if (max < 1) causes.push(fieldError.invalid(path.child('maxReplicas').toString(), max, 'must be greater than 0'));
  if (min !== undefined && max < min) {
    causes.push(fieldError.invalid(path.child('maxReplicas').toString(), max, 'must be greater than or equal to `minReplicas`'));
  }
  return causes;
}

/** ValidateCrossVersionObjectReference: kind and name present and usable in a URL. */
function validateScaleTargetRef(ref: Obj | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of ['kind', 'name']) {
    const value = str(ref, key);
    if (value === '') causes.push(fieldError.required(path.child(key).toString()));
    else for (const msg of isValidPathSegmentName(value)) causes.push(fieldError.invalid(path.child(key).toString(), value, msg));
  }
  return causes;
}

export function validateHorizontalPodAutoscalerV1(hpa: Obj): StatusCause[] {
  const causes = validateObjectMeta(hpa['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(hpa, 'spec') ?? {};
  causes.push(...validateReplicaBounds(spec, path));
  causes.push(...validateScaleTargetRef(obj(spec, 'scaleTargetRef'), path.child('scaleTargetRef')));
  const target = num(spec, 'targetCPUUtilizationPercentage');
  if (target !== undefined && target < 1) {
    causes.push(fieldError.invalid(path.child('targetCPUUtilizationPercentage').toString(), target, 'must be greater than 0'));
  }
  return causes;
}

export function validateHorizontalPodAutoscalerV2(hpa: Obj): StatusCause[] {
  const causes = validateObjectMeta(hpa['metadata'], META_RULES);
  const path = new FieldPath('spec');
  const spec = obj(hpa, 'spec') ?? {};
  causes.push(...validateReplicaBounds(spec, path));
  causes.push(...validateScaleTargetRef(obj(spec, 'scaleTargetRef'), path.child('scaleTargetRef')));
  list(spec, 'metrics').forEach((m, i) => causes.push(...validateMetricSpec(isObj(m) ? m : {}, path.child('metrics').index(i))));
  const behavior = obj(spec, 'behavior');
  if (behavior) {
    for (const key of ['scaleUp', 'scaleDown']) {
      const rules = obj(behavior, key);
      if (rules) causes.push(...validateScalingRules(rules, path.child('behavior').child(key)));
    }
  }
  return causes;
}

const METRIC_SOURCES: Readonly<Record<string, string>> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  External: 'external',
  ContainerResource: 'containerResource',
};

function validateMetricSpec(metric: Obj, path: FieldPath): StatusCause[] {
  const type = str(metric, 'type');
  if (type === '') return [fieldError.required(path.child('type').toString(), 'must specify a metric source type')];
  const member = METRIC_SOURCES[type];
  if (!member) return [fieldError.notSupported(path.child('type').toString(), type, Object.keys(METRIC_SOURCES))];
  const causes: StatusCause[] = [];
  for (const other of Object.values(METRIC_SOURCES)) {
    if (other !== member && has(metric, other)) causes.push(fieldError.forbidden(path.child(other).toString(), 'must populate the given metric source only'));
  }
  const source = obj(metric, member);
  if (!source) return [...causes, fieldError.required(path.child(member).toString(), 'must populate information for the given metric source')];
  const p = path.child(member);
  if (type === 'Resource' || type === 'ContainerResource') {
    if (str(source, 'name') === '') causes.push(fieldError.required(p.child('name').toString(), 'must specify a resource name'));
    if (type === 'ContainerResource' && str(source, 'container') === '') {
      causes.push(fieldError.required(p.child('container').toString(), 'must specify a container'));
    }
  } else {
    const metricId = obj(source, 'metric');
    if (!metricId || str(metricId, 'name') === '') causes.push(fieldError.required(p.child('metric').child('name').toString(), 'must specify a metric name'));
    if (type === 'Object') {
      const ref = obj(source, 'describedObject');
      causes.push(...validateScaleTargetRef(ref, p.child('describedObject')));
    }
  }
  const target = obj(source, 'target');
  if (!target) causes.push(fieldError.required(p.child('target').toString(), 'must specify a metric target'));
  else causes.push(...validateMetricTarget(target, p.child('target')));
  return causes;
}

function validateMetricTarget(target: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const type = str(target, 'type');
  if (type === '') causes.push(fieldError.required(path.child('type').toString(), 'must specify a metric target type'));
  else if (!['Utilization', 'Value', 'AverageValue'].includes(type)) {
    causes.push(fieldError.invalid(path.child('type').toString(), type, 'must be either Utilization, Value, or AverageValue'));
  }
  for (const key of ['value', 'averageValue']) {
    if (!has(target, key)) continue;
    const { quantity, causes: qc } = quantityAt(target[key], path.child(key));
    causes.push(...qc);
    if (quantity && compare(quantity, ZERO) <= 0) causes.push(fieldError.invalid(path.child(key).toString(), quantityText(quantity), 'must be positive'));
  }
  const utilization = num(target, 'averageUtilization');
  if (utilization !== undefined && utilization < 1) {
    causes.push(fieldError.invalid(path.child('averageUtilization').toString(), utilization, 'must be greater than 0'));
  }
  if (type === 'Utilization' && utilization === undefined) {
    causes.push(fieldError.required(path.child('averageUtilization').toString(), 'must set averageUtilization when the target type is Utilization'));
  }
  if (type === 'Value' && !has(target, 'value')) causes.push(fieldError.required(path.child('value').toString(), 'must set value when the target type is Value'));
  if (type === 'AverageValue' && !has(target, 'averageValue')) {
    causes.push(fieldError.required(path.child('averageValue').toString(), 'must set averageValue when the target type is AverageValue'));
  }
  return causes;
}

function validateScalingRules(rules: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const window = num(rules, 'stabilizationWindowSeconds');
  if (window !== undefined) {
    if (window < 0) causes.push(fieldError.invalid(path.child('stabilizationWindowSeconds').toString(), window, 'must be greater than or equal to zero'));
    if (window > MAX_STABILIZATION_WINDOW_SECONDS) {
      causes.push(fieldError.invalid(path.child('stabilizationWindowSeconds').toString(), window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
    }
  }
  const selectPolicy = rules['selectPolicy'];
  if (selectPolicy !== undefined && selectPolicy !== null && !['Max', 'Min', 'Disabled'].includes(String(selectPolicy))) {
    causes.push(fieldError.notSupported(path.child('selectPolicy').toString(), selectPolicy, ['Max', 'Min', 'Disabled']));
  }
  const policies = list(rules, 'policies');
  if (policies.length === 0) causes.push(fieldError.required(path.child('policies').toString(), 'must specify at least one Policy'));
  policies.forEach((raw, i) => {
    const policy: Obj = isObj(raw) ? raw : {};
    const p = path.child('policies').index(i);
    const type = str(policy, 'type');
    if (type !== 'Pods' && type !== 'Percent') causes.push(fieldError.notSupported(p.child('type').toString(), type, ['Pods', 'Percent']));
    const value = num(policy, 'value') ?? 0;
    if (value <= 0) causes.push(fieldError.invalid(p.child('value').toString(), value, 'must be greater than zero'));
    const period = num(policy, 'periodSeconds') ?? 0;
    if (period <= 0) causes.push(fieldError.invalid(p.child('periodSeconds').toString(), period, 'must be greater than zero'));
    if (period > MAX_PERIOD_SECONDS) causes.push(fieldError.invalid(p.child('periodSeconds').toString(), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return causes;
}
