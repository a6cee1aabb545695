// The risk flags at the top of a batch, for checkers on the approval page and operators in the
// console: each flagged payee with every reason, in words. Flags do not block approval.

import type { FC } from "hono/jsx";
import type { BatchView } from "../views/batches";
import { statusLabel } from "./format";

export const RiskFlags: FC<{ batch: BatchView; name: (payeeId: string) => string; payeeHref?: (payeeId: string) => string }> = ({ batch, name, payeeHref }) => {
  if (batch.riskFlags.length === 0) return null;
  const byPayee = new Map<string, BatchView["riskFlags"]>();
  for (const f of batch.riskFlags) byPayee.set(f.payeeId, [...(byPayee.get(f.payeeId) ?? []), f]);
  return (
    <section class="notice warn" aria-labelledby="risk-flags-title" data-testid="risk-flags">
      <h2 id="risk-flags-title">
        Look at these first: {byPayee.size} payee{byPayee.size === 1 ? "" : "s"} flagged
      </h2>
      <p class="small">The batch can still be approved; approving records that you saw these.</p>
      <ul>
        {[...byPayee].map(([payeeId, flags]) => (
          <li data-payee={payeeId}>
            <strong>{payeeHref ? <a href={payeeHref(payeeId)}>{name(payeeId)}</a> : name(payeeId)}</strong>
            <ul>
              {flags.map((f) => (
                <li data-flag={f.code}>
                  <span class="badge warn">{statusLabel(f.code)}</span> {f.reason}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
};
