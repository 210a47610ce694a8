#!/usr/bin/env node
import { run, nodeIo } from '../dist/cli/main.js';

// Everything this tool writes (store, keys, audit exports) is private to its user.
process.umask(0o077);
process.exitCode = await run(process.argv.slice(2), nodeIo());
