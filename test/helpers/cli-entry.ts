// bin/luxeret-privacy.js on the sources instead of dist/: what tests spawn (see source-cli.ts).
import { nodeIo, run } from '../../src/cli/main.js';

process.umask(0o077);
process.exitCode = await run(process.argv.slice(2), nodeIo());
