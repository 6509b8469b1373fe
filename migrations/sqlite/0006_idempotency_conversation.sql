ALTER TABLE `idempotency_keys` ADD `conversation_id` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `erased_at` integer;--> statement-breakpoint
CREATE INDEX `idempotency_keys_conversation` ON `idempotency_keys` (`owner`,`conversation_id`) WHERE "idempotency_keys"."conversation_id" IS NOT NULL;