CREATE TABLE `conversations` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`owner` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`next_position` integer DEFAULT 0 NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_id` ON `conversations` (`id`);--> statement-breakpoint
CREATE INDEX `conversations_owner_live` ON `conversations` (`owner`,`pk`) WHERE "conversations"."deleted_at" IS NULL;--> statement-breakpoint
CREATE TABLE `items` (
	`conversation_pk` integer NOT NULL,
	`position` integer NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`body` text,
	`full` text,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	PRIMARY KEY(`conversation_pk`, `position`),
	FOREIGN KEY (`conversation_pk`) REFERENCES `conversations`(`pk`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_conversation_item_id` ON `items` (`conversation_pk`,`id`);