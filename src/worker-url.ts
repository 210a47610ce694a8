import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker thread's module, and when it is TypeScript source, the tsx API that must be registered before loading it. */
export interface WorkerModule {
  readonly url: URL;
  readonly tsxApi: string | undefined;
}

/**
 * The worker module `<name>` beside the calling module: `<name>.js` beside a built caller (what ships), or
 * `<name>.ts` beside a caller that runs from TypeScript source (tsx, vitest), which then needs tsx's loader. tsx is
 * a dev dependency, so only a source checkout ever takes that path.
 */
export function workerModule(callerUrl: string, name: string): WorkerModule {
  if (!callerUrl.endsWith('.ts')) return { url: new URL(`./${name}.js`, callerUrl), tsxApi: undefined };
  return { url: new URL(`./${name}.ts`, callerUrl), tsxApi: import.meta.resolve('tsx/esm/api') };
}

/**
 * Code for an eval worker that loads `scriptExpr` (a JavaScript expression for its URL), registering tsx first when
 * `tsxApiExpr` evaluates to a URL: a worker starts a fresh module loader that knows no TypeScript, and Node 20 does
 * not apply an `--import`ed loader to a worker's entry module. Only dynamic import(), so that it runs whether the
 * worker inherits CommonJS or ES module eval (--input-type).
 */
export function importWorkerCode(scriptExpr: string, tsxApiExpr: string): string {
  return `((api) => (api ? import(api).then((tsx) => void tsx.register()) : Promise.resolve()))(${tsxApiExpr}).then(() => import(${scriptExpr}))`;
}

/** A worker thread running `module`. */
export function startWorker(module: WorkerModule, options: WorkerOptions = {}): Worker {
  if (module.tsxApi === undefined) return new Worker(module.url, options);
  return new Worker(`${importWorkerCode(JSON.stringify(module.url.href), JSON.stringify(module.tsxApi))};`, { ...options, eval: true });
}
