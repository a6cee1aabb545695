// The search box in the console's bar, on every page: a GET to /ops/search, so it needs no CSRF token.

import type { FC } from "hono/jsx";
import { SEARCH_HINT, SEARCH_MAX_CHARS } from "../search";

/** One field, named for screen readers, and its button; the tooltip says what it finds. */
export const SearchBox: FC<{ value?: string | undefined }> = ({ value }) => (
  <form role="search" method="get" action="/ops/search" aria-label="Search payees and payouts" style="display:flex;gap:.4rem;min-width:0;flex:1 1 14rem;max-width:26rem">
    <input
      type="search"
      name="q"
      value={value ?? ""}
      maxlength={SEARCH_MAX_CHARS}
      aria-label="Search payees and payouts"
      title={SEARCH_HINT}
      placeholder="Name, last four, UTR or id"
      style="flex:1 1 auto;min-width:0;padding:.25rem .5rem;font-size:.9rem"
      data-testid="search-input"
    />
    <button type="submit">Search</button>
  </form>
);
