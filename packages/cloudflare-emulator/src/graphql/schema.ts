import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * Cloudflare's Analytics schema as served by introspection (2024-06-04), in the package's schema/ folder: the same
 * relative path from src/graphql and dist/graphql, so sources and build read it without a copy step.
 *
 * Cloudflare's own scalars are lower-case (`string`, `uint64`, `Time`), yet production clients declare variables as
 * `String!`/`Int!` and the server accepts them. The standard scalars are declared here so that such variable types are
 * known; validate.ts then treats scalar types as interchangeable where the value kinds agree.
 */
const STANDARD_SCALARS = '\nscalar String\nscalar Int\nscalar Float\nscalar Boolean\nscalar ID\n';

let cached: GraphQLSchema | undefined;

/** Builds the schema once per process (about 0.3 s). */
export function loadCloudflareSchema(): GraphQLSchema {
  if (cached === undefined) {
    const sdl = readFileSync(new URL('../../schema/cloudflare.graphql', import.meta.url), 'utf8');
    cached = buildSchema(sdl + STANDARD_SCALARS, { assumeValidSDL: true });
  }
  return cached;
}
