import { describe, expect, it } from 'vitest';
import { workerModule } from './worker-url.js';

describe('workerModule', () => {
  it('runs the built worker beside a built module as it is', () => {
    expect(workerModule('file:///opt/lux/dist/store/stats.js', 'day-cells-worker')).toEqual({
      url: new URL('file:///opt/lux/dist/store/day-cells-worker.js'),
      tsxApi: undefined,
    });
  });

  it('runs the TypeScript worker beside a source module, with tsx registered first', () => {
    const worker = workerModule(import.meta.url, 'x');
    expect(worker.url.href).toBe(new URL('./x.ts', import.meta.url).href);
    expect(worker.tsxApi).toMatch(/^file:\/\/.*\/node_modules\/tsx\/.*\.mjs$/);
  });
});
