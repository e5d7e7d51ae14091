// Runtime process entry point (one per node, like containerd): flags → wiring → run, on the harness.
import { runComponent } from '../../lib/component/index.js';
import { DESCRIPTION, RUNTIME_FLAGS, runRuntime } from './component.js';

await runComponent({ name: 'runtime', usage: 'node dist/kubelet/runtime/main.js [flags]', description: DESCRIPTION, flags: RUNTIME_FLAGS, ops: 'own', run: runRuntime });
