// Copies non-TypeScript runtime assets from src/ to dist/ after `tsc` (the emulator loads its GraphQL schema at runtime).
import { cpSync } from 'node:fs';

cpSync('src/emulator/schema', 'dist/emulator/schema', { recursive: true });
