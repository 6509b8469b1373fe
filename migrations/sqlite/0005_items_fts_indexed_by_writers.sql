-- Inserted items are indexed by the code that writes them (src/repositories/sqlite/item-rows.ts),
-- in the same transaction, from the text it already holds: extracting it here with json_tree cost
-- seven times the insert of the row itself. Deletes and tombstones (body set to NULL) still leave
-- the index through the remaining triggers.
DROP TRIGGER `items_fts_after_insert`;
