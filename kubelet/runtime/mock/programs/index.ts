// sh and the commands a mock container can run, by name (see README.md in this folder).
import type { Program } from '../process.js';

export function commandTable(): Map<string, Program> {
  return new Map();
}
