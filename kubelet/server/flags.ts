// The kubelet server's flags, for kubelet/main.ts to include in its table.
import { defineFlags } from '../../lib/component/index.js';

export const KUBELET_SERVER_FLAGS = defineFlags(
  { name: 'address', type: 'string', help: 'IP the kubelet API (logs, exec, stats) listens on; the node IP when empty', default: '' },
  { name: 'port', type: 'int', help: 'port of the kubelet API', default: 10250, min: 0, max: 65535 },
);
