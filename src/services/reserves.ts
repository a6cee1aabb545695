// The rolling-reserve release job: every hold whose date has come is released to the payee's
// payable (posted once per hold) and carried into the payee's next batch.

import { releaseDueReserves } from "../store/balances";
import type { Deps } from "./deps";

export const RESERVE_ACTOR = "system:reserve-release";

export async function releaseReserves(deps: Pick<Deps, "db">, nowMs: number) {
  let total = { released: 0, releasedPaise: 0 };
  // In pages of 200, until nothing due is left (a page released nothing new: another run took it).
  for (;;) {
    const page = await releaseDueReserves(deps.db, new Date(nowMs).toISOString(), RESERVE_ACTOR);
    total = { released: total.released + page.released, releasedPaise: total.releasedPaise + page.releasedPaise };
    if (page.released < 200) return total;
  }
}
