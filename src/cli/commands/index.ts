import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { initCommand } from './init.js';

/** Sets the run's exit code (the highest one asked for wins). */
export type SetExitCode = (code: number) => void;
export type CommandFactory = (ctx: CliContext, setExitCode: SetExitCode) => Command;

export const COMMANDS: readonly CommandFactory[] = [initCommand];
