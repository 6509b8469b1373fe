CREATE TABLE "conversations" (
	"pk" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "conversations_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text NOT NULL,
	"owner" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"metadata" text DEFAULT '{}' NOT NULL,
	"next_position" integer DEFAULT 0 NOT NULL,
	"deleted_at" bigint
);
--> statement-breakpoint
CREATE TABLE "items" (
	"conversation_pk" bigint NOT NULL,
	"position" integer NOT NULL,
	"id" text NOT NULL,
	"type" text NOT NULL,
	"body" text,
	"full" text,
	"created_at" bigint NOT NULL,
	"deleted_at" bigint,
	CONSTRAINT "items_conversation_pk_position_pk" PRIMARY KEY("conversation_pk","position")
);
--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_conversation_pk_conversations_pk_fk" FOREIGN KEY ("conversation_pk") REFERENCES "public"."conversations"("pk") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_id" ON "conversations" USING btree ("id");--> statement-breakpoint
CREATE INDEX "conversations_owner_live" ON "conversations" USING btree ("owner","pk") WHERE "conversations"."deleted_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "items_conversation_item_id" ON "items" USING btree ("conversation_pk","id");