-- Full-text search over the text a client can read of each item (its `body`, the rendering without
-- `include`; `full` is never indexed, so include-gated content such as encrypted reasoning or
-- logprobs cannot be found). The same string fields as the SQLite index, at any depth. '<' and '>'
-- become \x04 and \x05: PostgreSQL's text parser would otherwise take `<word>` for an HTML tag and
-- leave it out of the vector and of the snippets (the search module turns them back).
-- PL/pgSQL only to catch the one failure: a \u0000 escape, which jsonb refuses; such an item is
-- stored all the same, with nothing indexed.
CREATE FUNCTION item_search_text(body text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
AS $$
BEGIN
  RETURN (
    SELECT translate(coalesce(string_agg(value #>> '{}', E'\n'), ''), '<>', E'\x04\x05')
    FROM jsonb_path_query(body::jsonb,
      'strict $.** ? (@.type() == "object").keyvalue() ? ((@.key == "text" || @.key == "refusal" || @.key == "arguments" || @.key == "output" || @.key == "input" || @.key == "code") && @.value.type() == "string").value',
      '{}', true) AS value);
EXCEPTION WHEN untranslatable_character OR invalid_text_representation THEN
  RETURN '';
END
$$;
--> statement-breakpoint
-- Two vectors in one: English stems with weight A (a search for "notes" finds "note") and the words
-- as written with weight B (stop words such as "and" stay searchable, and a prefix such as "quickl*"
-- finds "quickly"). Queries name the weight of each lexeme, so a phrase never spans the two halves.
-- A stored generated column is kept right by every writer of `items` in the same statement.
ALTER TABLE "items" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', item_search_text("body")), 'A') || setweight(to_tsvector('simple', item_search_text("body")), 'B')) STORED;
--> statement-breakpoint
CREATE INDEX "items_search" ON "items" USING gin ("search");
