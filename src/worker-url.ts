/**
 * The URL of a worker thread's compiled module `<name>.js` beside the calling module. Under vitest the caller is
 * TypeScript source, which a worker thread cannot load; the worker then runs the build of the same source from
 * dist/ (`npm test` builds first).
 */
export function compiledWorkerUrl(callerUrl: string, name: string): URL {
  const sourceRoot = callerUrl.endsWith('.ts') ? callerUrl.lastIndexOf('/src/') : -1;
  const builtCaller = sourceRoot < 0 ? callerUrl : `${callerUrl.slice(0, sourceRoot)}/dist/${callerUrl.slice(sourceRoot + '/src/'.length)}`;
  return new URL(`./${name}.js`, builtCaller);
}
