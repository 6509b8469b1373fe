CREATE INDEX `conversations_live_updated_at` ON `conversations` (`updated_at`) WHERE "conversations"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX `conversations_deleted_at` ON `conversations` (`deleted_at`) WHERE "conversations"."deleted_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `items_deleted_at` ON `items` (`deleted_at`) WHERE "items"."deleted_at" IS NOT NULL;