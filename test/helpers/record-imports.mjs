// `node --import` this file to record every bare specifier the process resolves (packages, not its own files or
// node: builtins), one per line, in the file named by LUXERET_TEST_IMPORTS_FILE: which packages a CLI run loads.
// The hooks run on Node's loader thread (node:module register), so the file name is handed to them as data.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { file: process.env.LUXERET_TEST_IMPORTS_FILE } });
