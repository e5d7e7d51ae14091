import t from 'tap';
import { formatMicroTime, leaseSpecFromRecord, parseMicroTime, recordFromLeaseSpec, sameRecord } from '../../../../lib/leader/record.js';

t.test('MicroTime is RFC 3339 with six fractional digits, and parses back', async (t) => {
  const ms = Date.UTC(2026, 11, 5, 9, 14, 3, 123);
  t.equal(formatMicroTime(ms), '2026-12-05T09:14:03.123000Z');
  t.equal(parseMicroTime('2026-12-05T09:14:03.123456Z'), ms, 'microseconds beyond our precision are dropped');
  t.equal(parseMicroTime('2026-12-05T09:14:03Z'), ms - 123, 'no fraction');
  t.equal(parseMicroTime('2026-12-05T10:14:03.123+01:00'), ms, 'offsets');
  t.ok(Number.isNaN(parseMicroTime('yesterday')));
});

t.test('a record and a Lease spec convert both ways', async (t) => {
  const record = {
    holderIdentity: 'node-1_abc',
    leaseDurationSeconds: 15,
    acquireTime: '2026-12-05T09:14:03.123000Z',
    renewTime: '2026-12-05T09:14:05.456000Z',
    leaseTransitions: 3,
  };
  const spec = leaseSpecFromRecord(record);
  t.same(spec, record, 'same field names as the Lease spec');
  t.same(recordFromLeaseSpec(spec), record);
  t.ok(sameRecord(recordFromLeaseSpec(spec), record));
  t.notOk(sameRecord(record, { ...record, renewTime: '2026-12-05T09:14:07.456000Z' }));
});

t.test('a released or empty spec reads as no holder; empty times are left out of a spec', async (t) => {
  t.same(recordFromLeaseSpec(undefined), { holderIdentity: '', leaseDurationSeconds: 0, acquireTime: '', renewTime: '', leaseTransitions: 0 });
  t.same(recordFromLeaseSpec({ leaseDurationSeconds: 1 }).holderIdentity, '');
  const spec = leaseSpecFromRecord({ holderIdentity: '', leaseDurationSeconds: 1, acquireTime: '', renewTime: '', leaseTransitions: 2 });
  t.same(spec, { holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 2 });
});
