/** Iterate over every item of a list, one page (`limit`/`offset`) at a time, until `total` is reached. */

export interface Page<Item> {
  data: Item[];
  total: number;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

/** The largest page the contract allows. */
export const MAX_PAGE_SIZE = 100;

/**
 * `for await (const s of paginate((page) => hissuno.GET("/v1/sessions", { params: { query: { ...page } } })))`:
 * `fetchPage` is called with the `limit` and `offset` of each page in turn.
 */
export async function* paginate<Item>(
  fetchPage: (page: PageRequest) => Promise<{ data?: Page<Item> }>,
  pageSize: number = MAX_PAGE_SIZE,
): AsyncGenerator<Item, void, undefined> {
  let offset = 0;
  for (;;) {
    const { data: page } = await fetchPage({ limit: pageSize, offset });
    if (!page || page.data.length === 0) return;
    yield* page.data;
    offset += page.data.length;
    if (offset >= page.total) return;
  }
}
