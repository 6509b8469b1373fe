-- Full-text search over the text a client can read of each item (its `body`, the rendering without
-- `include`; `full` is never indexed, so include-gated content such as encrypted reasoning or
-- logprobs cannot be found). The same string fields as the SQLite index, at any depth.
-- A stored generated column keeps the vector in step with every writer of `items` (appends,
-- deletes that null the body, forks, purges) in the same statement.
CREATE FUNCTION item_search_text(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$
  SELECT string_agg(value #>> '{}', E'\n')
  FROM jsonb_path_query(body::jsonb,
    'strict $.** ? (@.type() == "object").keyvalue() ? ((@.key == "text" || @.key == "refusal" || @.key == "arguments" || @.key == "output" || @.key == "input" || @.key == "code") && @.value.type() == "string").value',
    '{}', true) AS value
$$;
--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(item_search_text("body"), ''))) STORED;
--> statement-breakpoint
CREATE INDEX "items_search" ON "items" USING gin ("search");
