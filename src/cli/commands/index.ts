import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { auditCommand } from './audit.js';
import { completionCommand } from './completion.js';
import { demoCommand } from './demo.js';
import { doctorCommand } from './doctor.js';
import { holdCommand } from './hold.js';
import { initCommand } from './init.js';
import { inventoryCommand } from './inventory.js';
import { keysCommand } from './keys.js';
import { ledgerCommand } from './ledger.js';
import { pullCommand } from './pull.js';
import { purgeCommand } from './purge.js';
import { statsCommand } from './stats.js';
import { subjectCommand } from './subject.js';

/** Builds one command; its action records its use case's outcome with `ctx.recordOutcome` (main.ts maps it to an exit code). */
export type CommandFactory = (ctx: CliContext) => Command;

export const COMMANDS: readonly CommandFactory[] = [
  initCommand,
  pullCommand,
  inventoryCommand,
  purgeCommand,
  holdCommand,
  subjectCommand,
  auditCommand,
  keysCommand,
  statsCommand,
  ledgerCommand,
  doctorCommand,
  demoCommand,
  completionCommand,
];
