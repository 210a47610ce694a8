import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { auditCommand } from './audit.js';
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

/** Sets the run's exit code (the highest one asked for wins). */
export type SetExitCode = (code: number) => void;
export type CommandFactory = (ctx: CliContext, setExitCode: SetExitCode) => Command;

export const COMMANDS: readonly CommandFactory[] = [initCommand, purgeCommand, holdCommand, keysCommand, auditCommand, inventoryCommand, pullCommand, statsCommand, ledgerCommand, doctorCommand, demoCommand, subjectCommand];
