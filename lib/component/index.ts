// The process harness: see run.ts (runComponent) and flags.ts (the flags table).
export { runComponent, parseCommand, parseCommandLine, helpOf, untilAborted, EXIT, type ComponentDefinition, type CommandDefinition, type ComponentContext, type ComponentFlags, type ContextOf, type CommandLine } from './run.js';
export { defineFlags, parseFlags, FlagError, type FlagSpec, type FlagType, type FlagValues } from './flags.js';
export { BASE_FLAGS, HELP_FLAG, opsFlags, clientFlags, LOG_LEVELS, type OpsFlagDefaults, type ClientFlagDefaults, type ClientFlags } from './common-flags.js';
export { HealthChecks, formatHealthReport, type HealthCheck, type HealthReport } from './health.js';
export { mountOpsRoutes, startOpsServer, type OpsEndpoints, type OpsServer } from './ops-routes.js';
export { parseDuration, formatDuration } from './duration.js';
