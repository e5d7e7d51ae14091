// The kubelet Summary API (stats/v1alpha1, `GET /stats/summary`): what metrics-server,
// `kubectl top` (through metrics.k8s.io) and autoscaling read. Field names as upstream
// (k8s.io/kubelet/pkg/apis/stats/v1alpha1/types.go); only the parts a mock node can measure.

export interface CPUStats {
  time: string;
  usageNanoCores: number;
  usageCoreNanoSeconds: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
}

export interface FsStats {
  time: string;
  availableBytes?: number;
  capacityBytes?: number;
  usedBytes: number;
  inodesFree?: number;
  inodes?: number;
  inodesUsed?: number;
}

export interface ContainerStatsSummary {
  name: string;
  startTime: string;
  cpu: CPUStats;
  memory: MemoryStats;
  rootfs: FsStats;
  logs: FsStats;
}

export interface PodReference {
  name: string;
  namespace: string;
  uid: string;
}

export interface PodStatsSummary {
  podRef: PodReference;
  startTime: string;
  containers: ContainerStatsSummary[];
  cpu: CPUStats;
  memory: MemoryStats;
  'ephemeral-storage': FsStats;
  process_stats: { process_count: number };
}

export interface NodeStatsSummary {
  nodeName: string;
  startTime: string;
  cpu: CPUStats;
  memory: MemoryStats;
  fs: FsStats;
  runtime: { imageFs: FsStats; containerFs: FsStats };
}

export interface Summary {
  node: NodeStatsSummary;
  pods: PodStatsSummary[];
}
