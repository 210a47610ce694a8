import { badRequest, paginate, type Reply } from '../envelope.js';

/** Reads `page` / `per_page`; returns an error reply when they are out of range. */
export function readPage(query: URLSearchParams, defaults: { perPage: number; maxPerPage: number }): { page: number; perPage: number } | Reply {
  const page = query.has('page') ? Number(query.get('page')) : 1;
  const perPage = query.has('per_page') ? Number(query.get('per_page')) : defaults.perPage;
  if (!Number.isInteger(page) || page < 1) return badRequest('page must be a positive integer', 1004);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > defaults.maxPerPage) {
    return badRequest(`per_page must be between 1 and ${defaults.maxPerPage}`, 1004);
  }
  return { page, perPage };
}

/** Page-based listing; a page past the end answers `result: []`, which is what stops the SDK's iterator. */
export function pageOf<T>(items: readonly T[], query: URLSearchParams, defaults: { perPage: number; maxPerPage: number }): Reply {
  const paging = readPage(query, defaults);
  if ('status' in paging) return paging;
  return paginate(items, paging.page, paging.perPage);
}
