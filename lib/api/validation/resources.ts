// Container resource requirements (ValidateResourceRequirements): known resource names,
// non-negative quantities, whole units for extended resources, and requests ≤ limits (equal for
// resources that cannot be overcommitted).

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isQualifiedName } from '../names.js';
import { compare, newQuantity, type Quantity } from '../quantity.js';
import { obj, type Obj, quantityAt, quantityText } from './common.js';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Extended resources (vendor.com/gpu) are counted in whole units and cannot be overcommitted. */
function isExtendedResource(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}

function validateResourceName(name: string, path: FieldPath): StatusCause[] {
  const causes = isQualifiedName(name).map((msg) => fieldError.invalid(path.toString(), name, msg));
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      causes.push(fieldError.invalid(path.toString(), name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    causes.push(fieldError.invalid(path.toString(), name, "doesn't follow extended resource name standard"));
  }
  return causes;
}

const ZERO = newQuantity(0);

/**
 * ValidateResourceRequirements for a container: known resource names, non-negative quantities,
 * whole numbers for extended resources, requests ≤ limits (equal for extended resources).
 */
export function validateResources(resources: Obj | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = new Map<string, Quantity>();
  const limitsObj = obj(resources, 'limits') ?? {};
  for (const name of Object.keys(limitsObj).sort()) {
    const p = limPath.key(name);
    causes.push(...validateResourceName(name, p));
    const q = checkQuantity(name, limitsObj[name], p, causes);
    if (q) limits.set(name, q);
  }
  const requestsObj = obj(resources, 'requests') ?? {};
  for (const name of Object.keys(requestsObj).sort()) {
    const p = reqPath.key(name);
    causes.push(...validateResourceName(name, p));
    const q = checkQuantity(name, requestsObj[name], p, causes);
    if (!q) continue;
    const limit = limits.get(name);
    const overcommit = isNativeResource(name) && !isHugePages(name);
    if (limit) {
      const cmp = compare(q, limit);
      if (cmp !== 0 && !overcommit) {
        causes.push(fieldError.invalid(reqPath.toString(), quantityText(q), `must be equal to ${name} limit of ${quantityText(limit)}`));
      } else if (cmp > 0) {
        causes.push(fieldError.invalid(reqPath.toString(), quantityText(q), `must be less than or equal to ${name} limit of ${quantityText(limit)}`));
      }
    } else if (!overcommit && !(name in limitsObj)) {
      causes.push(fieldError.required(limPath.toString(), 'Limit must be set for non overcommitable resources'));
    }
  }
  return causes;
}

function checkQuantity(name: string, value: unknown, path: FieldPath, causes: StatusCause[]): Quantity | undefined {
  const parsed = quantityAt(value, path);
  causes.push(...parsed.causes);
  const q = parsed.quantity;
  if (!q) return undefined;
  if (compare(q, ZERO) < 0) causes.push(fieldError.invalid(path.toString(), quantityText(q), 'must be greater than or equal to 0'));
  if (isExtendedResource(name) && !isWhole(q)) causes.push(fieldError.invalid(path.toString(), quantityText(q), 'must be an integer'));
  return q;
}

function isWhole(q: Quantity): boolean {
  return q.exponent >= 0 || q.unscaled % 10n ** BigInt(-q.exponent) === 0n;
}

