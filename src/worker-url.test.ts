import { describe, expect, it } from 'vitest';
import { compiledWorkerUrl } from './worker-url.js';

describe('compiledWorkerUrl', () => {
  it('points beside a built module, and from TypeScript source to the build of the same folder', () => {
    expect(compiledWorkerUrl('file:///opt/lux/dist/store/stats.js', 'day-cells-worker').href).toBe('file:///opt/lux/dist/store/day-cells-worker.js');
    expect(compiledWorkerUrl('file:///home/a/src/lux/src/audit/verify.ts', 'x').href).toBe('file:///home/a/src/lux/dist/audit/x.js');
  });
});
