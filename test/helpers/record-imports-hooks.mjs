// Resolve hooks for record-imports.mjs: each bare specifier that resolves is appended to the file it was given.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  // Relative, absolute and URL specifiers (file:, node:, data:) are not packages.
  if (!/^([./]|[a-z][a-z0-9+.-]*:)/i.test(specifier)) appendFileSync(file, `${specifier}\n`);
  return resolved;
}
