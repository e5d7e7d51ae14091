// sh and the commands a mock container can run, by name (see README.md in this folder). Names are
// basenames: the runtime looks up `/bin/sh` as `sh`.
import type { Program, ProgramTable } from '../process.js';
import { cat } from './commands/cat.js';
import { cp, mv } from './commands/copy.js';
import { date } from './commands/date.js';
import { echo } from './commands/echo.js';
import { env, hostname, id, printenv, pwd, whoami } from './commands/env.js';
import { mkdir, rm, rmdirProgram, touch } from './commands/files.js';
import { cut, sort, uniq, wc } from './commands/filters.js';
import { grep } from './commands/grep.js';
import { head } from './commands/head.js';
import { ls } from './commands/ls.js';
import { basename, dirname, seq, yes } from './commands/names.js';
import { nslookup } from './commands/nslookup.js';
import { printf } from './commands/printf.js';
import { sed } from './commands/sed.js';
import { sleep } from './commands/sleep.js';
import { tail } from './commands/tail.js';
import { test } from './commands/test.js';
import { tr } from './commands/tr.js';
import { falseProgram, trueProgram } from './commands/true-false.js';
import { wget } from './commands/wget.js';
import { shProgram } from './sh/main.js';

const COMMANDS: ReadonlyArray<[string, Program]> = [
  ['echo', echo],
  ['printf', printf],
  ['sleep', sleep],
  ['true', trueProgram],
  ['false', falseProgram],
  ['test', test],
  ['[', test],
  ['touch', touch],
  ['rm', rm],
  ['rmdir', rmdirProgram],
  ['mkdir', mkdir],
  ['cat', cat],
  ['ls', ls],
  ['cp', cp],
  ['mv', mv],
  ['head', head],
  ['tail', tail],
  ['date', date],
  ['env', env],
  ['printenv', printenv],
  ['hostname', hostname],
  ['pwd', pwd],
  ['id', id],
  ['whoami', whoami],
  ['wget', wget],
  ['nslookup', nslookup],
  ['grep', grep],
  ['egrep', grep],
  ['wc', wc],
  ['sort', sort],
  ['uniq', uniq],
  ['tr', tr],
  ['cut', cut],
  ['sed', sed],
  ['yes', yes],
  ['seq', seq],
  ['basename', basename],
  ['dirname', dirname],
];

/** A fresh table: `sh` (and `ash`, as busybox links it) plus every command. */
export function commandTable(): Map<string, Program> {
  const table = new Map<string, Program>(COMMANDS);
  const sh = shProgram((): ProgramTable => table);
  table.set('sh', sh);
  table.set('ash', sh);
  return table;
}
