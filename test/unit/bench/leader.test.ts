import t from 'tap';
import { agreedLeader, type MemberView } from '../../../bench/lib/store-target.js';

t.test('agreedLeader finds the member every answer names', async (t) => {
  const v = (memberId: string, leader: string): MemberView => ({ memberId, leader });
  const cases: [string, (MemberView | undefined)[], number | undefined][] = [
    ['all agree', [v('a', 'b'), v('b', 'b'), v('c', 'b')], 1],
    ['dead member skipped', [undefined, v('b', 'c'), v('c', 'c')], 2],
    ['disagreement', [v('a', 'a'), v('b', 'b'), v('c', 'b')], undefined],
    ['no leader known (etcd)', [v('a', '0'), v('b', '0')], undefined],
    ['no leader known (k8ts)', [v('a', ''), v('b', '')], undefined],
    ['leader not among the answers', [undefined, v('b', 'a'), v('c', 'a')], undefined],
    ['nobody answered', [undefined, undefined], undefined],
  ];
  for (const [name, views, want] of cases) t.equal(agreedLeader(views), want, name);
});
