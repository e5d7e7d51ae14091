// true and false, and `:`-like no-ops.
import type { Program } from '../../process.js';

export const trueProgram: Program = async () => 0;
export const falseProgram: Program = async () => 1;
