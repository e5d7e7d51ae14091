import t from 'tap';
import {
  buildTable,
  column,
  formatCreatedAt,
  humanDuration,
  NAME_COLUMN,
  parseIncludeObject,
  TableOptionsError,
  translateTimestampSince,
  wideColumn,
} from '../../../../../lib/api/printers/table.js';
import type { KubeObject } from '../../../../../lib/api/types.js';
import { DAY, HOUR, MINUTE, NOW, SECOND } from './fixtures.js';

// Kubernetes' duration.HumanDuration at and around each of its thresholds.
const DURATIONS: Array<[number, string]> = [
  [0, '0s'],
  [999, '0s'],
  [-1 * SECOND, '0s'], // a second of clock skew reads as now
  [-1999, '0s'], // Go truncates toward zero: still -1s
  [-2 * SECOND, '<invalid>'],
  [1 * SECOND, '1s'],
  [59 * SECOND, '59s'],
  [60 * SECOND, '60s'],
  [119 * SECOND + 999, '119s'],
  [2 * MINUTE, '2m'],
  [2 * MINUTE + 5 * SECOND, '2m5s'],
  [9 * MINUTE + 59 * SECOND, '9m59s'],
  [10 * MINUTE, '10m'],
  [10 * MINUTE + 30 * SECOND, '10m'],
  [179 * MINUTE + 59 * SECOND, '179m'],
  [3 * HOUR, '3h'],
  [3 * HOUR + 10 * MINUTE, '3h10m'],
  [7 * HOUR + 59 * MINUTE, '7h59m'],
  [8 * HOUR, '8h'],
  [8 * HOUR + 30 * MINUTE, '8h'],
  [47 * HOUR + 59 * MINUTE, '47h'],
  [48 * HOUR, '2d'],
  [3 * DAY + 4 * HOUR, '3d4h'],
  [7 * DAY + 23 * HOUR, '7d23h'],
  [8 * DAY, '8d'],
  [8 * DAY + 5 * HOUR, '8d'],
  [729 * DAY + 23 * HOUR, '729d'],
  [730 * DAY, '2y'],
  [730 * DAY + 30 * DAY, '2y30d'],
  [365 * 8 * DAY - HOUR, '7y364d'],
  [365 * 8 * DAY, '8y'],
  [365 * 10 * DAY + 100 * DAY, '10y'],
  [Number.NaN, '<invalid>'],
];

t.test('humanDuration matches Kubernetes at every threshold', async (t) => {
  for (const [ms, want] of DURATIONS) t.equal(humanDuration(ms), want, `${ms}ms`);
});

t.test('translateTimestampSince measures from the injected now', async (t) => {
  const cases: Array<[unknown, string]> = [
    ['2025-06-01T11:55:00Z', '5m'],
    ['2025-06-01T11:59:15Z', '45s'],
    ['2025-05-31T12:00:00Z', '24h'],
    ['2025-06-01T11:59:59.500000Z', '0s'], // MicroTime precision
    ['2025-06-01T12:00:05Z', '<invalid>'], // in the future beyond the skew allowance
    [undefined, '<unknown>'],
    [null, '<unknown>'],
    ['', '<unknown>'],
    ['not a time', '<unknown>'],
    [42, '<unknown>'],
  ];
  for (const [ts, want] of cases) t.equal(translateTimestampSince(ts, NOW), want, String(ts));
});

t.test('formatCreatedAt prints UTC RFC 3339 in whole seconds, the zero time when missing', async (t) => {
  t.equal(formatCreatedAt('2025-06-01T11:55:00Z'), '2025-06-01T11:55:00Z');
  t.equal(formatCreatedAt('2025-06-01T13:55:00+02:00'), '2025-06-01T11:55:00Z');
  t.equal(formatCreatedAt('2025-06-01T11:55:00.750Z'), '2025-06-01T11:55:00Z');
  t.equal(formatCreatedAt(undefined), '0001-01-01T00:00:00Z');
});

t.test('parseIncludeObject: default Metadata, the three values, a clear error otherwise', async (t) => {
  t.equal(parseIncludeObject(undefined), 'Metadata');
  t.equal(parseIncludeObject(''), 'Metadata');
  t.equal(parseIncludeObject('None'), 'None');
  t.equal(parseIncludeObject('Metadata'), 'Metadata');
  t.equal(parseIncludeObject('Object'), 'Object');
  t.throws(() => parseIncludeObject('object'), new TableOptionsError('unrecognized includeObject value: "object"'));
  t.throws(() => parseIncludeObject('All'), TableOptionsError);
});

const POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'u-1',
    resourceVersion: '7',
    labels: { app: 'web' },
    annotations: { note: 'x' },
    creationTimestamp: '2025-06-01T11:55:00Z',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1', controller: true }],
  },
  spec: { containers: [{ name: 'web', image: 'nginx' }] },
};
const COLUMNS = [NAME_COLUMN, column('Ready', 'string', 'r'), wideColumn('IP', 'string', 'ip')];
const ROWS = [{ cells: ['web', '1/1', '10.0.0.3'], source: POD }];

t.test('buildTable: the wire shape kubectl needs', async (t) => {
  const table = buildTable(COLUMNS, ROWS, '107');
  t.strictSame(table, {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '107' },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: NAME_COLUMN.description, priority: 0 },
      { name: 'Ready', type: 'string', format: '', description: 'r', priority: 0 },
      { name: 'IP', type: 'string', format: '', description: 'ip', priority: 1 },
    ],
    rows: [
      {
        cells: ['web', '1/1', '10.0.0.3'],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: POD.metadata },
      },
    ],
  });
  // The metadata is a copy: changing the table leaves the stored object alone.
  const partial = table.rows[0]!.object as { metadata: { labels: Record<string, string> } };
  partial.metadata.labels['app'] = 'changed';
  t.equal(POD.metadata.labels?.['app'], 'web');
});

t.test('buildTable: includeObject variants', async (t) => {
  const cases: Array<['None' | 'Metadata' | 'Object' | undefined, unknown]> = [
    [undefined, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: POD.metadata }],
    ['Metadata', { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: POD.metadata }],
    ['Object', POD],
    ['None', null],
  ];
  for (const [includeObject, want] of cases) {
    const table = buildTable(COLUMNS, ROWS, '1', includeObject ? { includeObject } : {});
    t.strictSame(table.rows[0]!.object, want, String(includeObject));
  }
  t.throws(() => buildTable(COLUMNS, ROWS, '1', { includeObject: 'Bogus' as 'None' }), TableOptionsError);
});

t.test('buildTable: noHeaders, v1beta1, no resourceVersion, continue, row conditions', async (t) => {
  const noHeaders = buildTable(COLUMNS, ROWS, '5', { noHeaders: true });
  t.strictSame(noHeaders.columnDefinitions, []);
  t.equal(noHeaders.rows.length, 1);

  const beta = buildTable(COLUMNS, ROWS, '5', { apiVersion: 'meta.k8s.io/v1beta1' });
  t.equal(beta.apiVersion, 'meta.k8s.io/v1beta1');
  t.equal((beta.rows[0]!.object as { apiVersion: string }).apiVersion, 'meta.k8s.io/v1beta1');

  t.strictSame(buildTable(COLUMNS, [], undefined).metadata, {});
  t.strictSame(buildTable(COLUMNS, [], '9', { continue: 'tok' }).metadata, { resourceVersion: '9', continue: 'tok' });

  const withConditions = buildTable(COLUMNS, [{ ...ROWS[0]!, conditions: [{ type: 'Completed', status: 'True', reason: 'Succeeded' }] }], '1');
  t.strictSame(withConditions.rows[0]!.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded' }]);
  t.notOk('conditions' in buildTable(COLUMNS, ROWS, '1').rows[0]!, 'no conditions key when there are none');
});

t.test('buildTable copes with an object without metadata', async (t) => {
  const bare = { apiVersion: 'v1', kind: 'Thing' } as unknown as KubeObject;
  const table = buildTable(COLUMNS, [{ cells: ['', '', ''], source: bare }], '1');
  t.strictSame(table.rows[0]!.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: {} });
});
