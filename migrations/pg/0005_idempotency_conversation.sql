ALTER TABLE "idempotency_keys" ADD COLUMN "conversation_id" text;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "erased_at" bigint;--> statement-breakpoint
CREATE INDEX "idempotency_keys_conversation" ON "idempotency_keys" USING btree ("owner","conversation_id") WHERE "idempotency_keys"."conversation_id" IS NOT NULL;