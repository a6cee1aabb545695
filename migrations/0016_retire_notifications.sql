-- The notification outbox becomes the event outbox (one outbound path, Standard Webhooks
-- signatures). Notifications still waiting to be sent are carried over as events, so nothing
-- the old notifier owed is lost; NOTIFY_WEBHOOK_URL keeps receiving them as its endpoint.
INSERT INTO `events` (`id`, `type`, `subject_type`, `subject_id`, `sequence`, `data`, `created_at`)
SELECT 'evt_' || substr(n.id, 5), 'batch.approval_requested', 'batch', json_extract(n.payload, '$.batchId'),
  ROW_NUMBER() OVER (PARTITION BY json_extract(n.payload, '$.batchId') ORDER BY n.id), n.payload, n.created_at
FROM `notifications` n WHERE n.status = 'pending' AND n.kind = 'approval_requested';
--> statement-breakpoint
INSERT INTO `events` (`id`, `type`, `subject_type`, `subject_id`, `sequence`, `data`, `created_at`)
SELECT 'evt_' || substr(n.id, 5), 'exception.opened', 'exception', x.id,
  ROW_NUMBER() OVER (PARTITION BY x.id ORDER BY n.id),
  json_object('id', x.id, 'cause', x.cause, 'status', x.status, 'payoutId', x.payout_id, 'batchId', x.batch_id, 'itemId', x.item_id,
    'payeeId', x.payee_id, 'summary', x.summary, 'details', x.details, 'openKey', x.open_key, 'createdAt', x.created_at,
    'updatedAt', x.updated_at, 'resolvedAt', x.resolved_at, 'resolvedBy', x.resolved_by, 'resolutionNote', x.resolution_note,
    'retryStatus', x.retry_status, 'retryResult', x.retry_result),
  n.created_at
FROM `notifications` n JOIN `exceptions` x ON x.id = json_extract(n.payload, '$.exceptionId')
WHERE n.status = 'pending' AND n.kind = 'alert';
--> statement-breakpoint
DROP TABLE `notifications`;
