// Batch status changes in SQL follow the batch lifecycle in domain/batch.ts: every write that
// moves a batch conditions on the statuses the lifecycle allows the move from.

import { inArray, type SQL } from "drizzle-orm";
import { batchStatusesInto } from "../domain/batch";
import type { BatchStatus } from "../domain/statuses";
import { batches } from "./schema";

/** The condition under which a batch may move into `to`. */
export const batchMayMoveInto = (to: BatchStatus): SQL => inArray(batches.status, batchStatusesInto(to));
