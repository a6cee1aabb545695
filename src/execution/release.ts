// The one place where an approved batch is handed to execution.

import type { Env } from "../env";

/** Called after the approval that completes a batch. Execution (issue #4) plugs in here. */
export async function releaseApprovedBatch(_env: Env, _batchId: string): Promise<void> {}
