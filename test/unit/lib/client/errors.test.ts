import t from 'tap';
import { status } from '../../../../lib/api/status.js';
import { fieldError } from '../../../../lib/api/field-errors.js';
import * as errors from '../../../../lib/client/errors.js';

t.test('Status messages match the real apiserver wording', async (t) => {
  const rows: [ReturnType<typeof status.notFound>, number, string, string][] = [
    [status.notFound({ resource: 'pods', name: 'web' }), 404, 'NotFound', 'pods "web" not found'],
    [status.notFound({ resource: 'deployments', group: 'apps', name: 'd' }), 404, 'NotFound', 'deployments.apps "d" not found'],
    [status.alreadyExists({ resource: 'configmaps', name: 'c' }), 409, 'AlreadyExists', 'configmaps "c" already exists'],
    [
      status.staleResourceVersion({ resource: 'deployments', group: 'apps', name: 'd' }),
      409,
      'Conflict',
      'Operation cannot be fulfilled on deployments.apps "d": the object has been modified; please apply your changes to the latest version and try again',
    ],
    [
      status.invalid('Deployment', 'd', [fieldError.invalid('spec.replicas', -1, 'must be greater than or equal to 0')], 'apps'),
      422,
      'Invalid',
      'Deployment.apps "d" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      status.invalid('Pod', 'p', [fieldError.required('spec.containers'), fieldError.duplicate('spec.volumes[1].name', 'data')]),
      422,
      'Invalid',
      'Pod "p" is invalid: [spec.containers: Required value, spec.volumes[1].name: Duplicate value: "data"]',
    ],
    [status.forbidden({ resource: 'namespaces', name: 'default' }, 'this namespace may not be deleted'), 403, 'Forbidden', 'namespaces "default" is forbidden: this namespace may not be deleted'],
    [status.expired('too old resource version: 5 (100)'), 410, 'Expired', 'too old resource version: 5 (100)'],
    [status.requestEntityTooLarge(3145728), 413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'],
    [status.serviceUnavailable('store unavailable', 2), 503, 'ServiceUnavailable', 'store unavailable'],
    [status.methodNotAllowed('PUT', 'pods/log'), 405, 'MethodNotAllowed', 'PUT is not supported on pods/log'],
    [status.tooManyRequests('slow down', 1), 429, 'TooManyRequests', 'slow down'],
  ];
  for (const [s, code, reason, message] of rows) {
    t.equal(s.kind, 'Status');
    t.equal(s.status, 'Failure');
    t.equal(s.code, code, message);
    t.equal(s.reason, reason, message);
    t.equal(s.message, message);
  }
  t.equal(status.serviceUnavailable('x', 2).details?.retryAfterSeconds, 2);
  t.same(status.notFound({ resource: 'pods', name: 'web' }).details, { name: 'web', kind: 'pods' });
});

t.test('typed predicates classify errors built from responses', async (t) => {
  const nf = errors.errorFromResponse(404, status.notFound({ resource: 'pods', name: 'x' }));
  t.ok(errors.isNotFound(nf));
  t.notOk(errors.isConflict(nf));
  t.equal(nf.message, 'pods "x" not found');
  const conflict = errors.errorFromResponse(409, status.staleResourceVersion({ resource: 'pods', name: 'x' }));
  t.ok(errors.isConflict(conflict));
  t.notOk(errors.isAlreadyExists(conflict));
  t.ok(errors.isAlreadyExists(errors.errorFromResponse(409, status.alreadyExists({ resource: 'pods', name: 'x' }))));
  t.ok(errors.isResourceExpired(errors.errorFromResponse(410, status.expired('gone'))));
  const unavailable = errors.errorFromResponse(503, status.serviceUnavailable('no store', 3));
  t.ok(errors.isServiceUnavailable(unavailable));
  t.equal(errors.retryAfterSeconds(unavailable), 3);
  // A body that is not a Status (e.g. a proxy's HTML) still gets a reason from its code.
  const html = errors.errorFromResponse(504, '<html>gateway timeout</html>');
  t.ok(errors.isTimeout(html));
  t.equal(html.message, '<html>gateway timeout</html>');
  t.ok(errors.isInternalError(errors.errorFromResponse(500, undefined)));
  t.notOk(errors.isNotFound(new Error('plain')));
});
