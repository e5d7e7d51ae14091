// leader_election_master_status{name}: 1 while this process leads the named lease, 0 otherwise
// (client-go's leader election metric), in the registry the caller passes.
import { Gauge, type Registry } from 'prom-client';

const NAME = 'leader_election_master_status';

export interface LeaderMetrics {
  setLeading(name: string, leading: boolean): void;
}

export const noLeaderMetrics: LeaderMetrics = { setLeading() {} };

/** Electors sharing a registry share the gauge (one series per lease name). */
export function leaderMetrics(registry: Registry | undefined): LeaderMetrics {
  if (!registry) return noLeaderMetrics;
  const gauge =
    (registry.getSingleMetric(NAME) as Gauge | undefined) ??
    new Gauge({
      name: NAME,
      help: 'Whether this process is the leader of the named lease: 1 leading, 0 standing by.',
      labelNames: ['name'],
      registers: [registry],
    });
  return { setLeading: (name, leading) => gauge.set({ name }, leading ? 1 : 0) };
}
