-- Full-text index over the text a client can read of each item (its `body`, the rendering without
-- `include`; the `full` column is never indexed, so include-gated content such as encrypted
-- reasoning or logprobs cannot be found by search). Kept in sync by triggers, so every writer of
-- `items` (appends, item deletes, forks, purges) keeps the index right in the same transaction.
-- The FTS rowid is the item's primary key packed into one integer:
-- conversation_pk * 2^32 + position (positions stay far below 2^32), which is stable across VACUUM,
-- unlike the implicit rowid of `items`. `owner` holds one token per owner ('o' + hex of the owner):
-- a search matches it too, so its cost follows the caller's own items, not the whole table.
CREATE VIRTUAL TABLE `items_fts` USING fts5(`text`, `owner`, tokenize = 'porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_insert` AFTER INSERT ON `items` WHEN NEW.`body` IS NOT NULL BEGIN
  INSERT INTO `items_fts` (`rowid`, `text`, `owner`)
  SELECT NEW.`conversation_pk` * 4294967296 + NEW.`position`, `text`, (SELECT 'o' || lower(hex(`owner`)) FROM `conversations` WHERE `pk` = NEW.`conversation_pk`) FROM (
    SELECT (
    SELECT group_concat(`node`.`value`, char(10)) FROM json_tree(NEW.`body`) AS `node`
    WHERE `node`.`type` = 'text' AND `node`.`key` IN ('text', 'refusal', 'arguments', 'output', 'input', 'code')
  ) AS `text`
  ) WHERE `text` <> '';
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_update` AFTER UPDATE OF `body` ON `items` BEGIN
  DELETE FROM `items_fts` WHERE `rowid` = OLD.`conversation_pk` * 4294967296 + OLD.`position`;
  INSERT INTO `items_fts` (`rowid`, `text`, `owner`)
  SELECT NEW.`conversation_pk` * 4294967296 + NEW.`position`, `text`, (SELECT 'o' || lower(hex(`owner`)) FROM `conversations` WHERE `pk` = NEW.`conversation_pk`) FROM (
    SELECT (
    SELECT group_concat(`node`.`value`, char(10)) FROM json_tree(NEW.`body`) AS `node`
    WHERE `node`.`type` = 'text' AND `node`.`key` IN ('text', 'refusal', 'arguments', 'output', 'input', 'code')
  ) AS `text`
  ) WHERE NEW.`body` IS NOT NULL AND `text` <> '';
END;
--> statement-breakpoint
CREATE TRIGGER `items_fts_after_delete` AFTER DELETE ON `items` BEGIN
  DELETE FROM `items_fts` WHERE `rowid` = OLD.`conversation_pk` * 4294967296 + OLD.`position`;
END;
--> statement-breakpoint
INSERT INTO `items_fts` (`rowid`, `text`, `owner`)
SELECT `key`, `text`, `owner` FROM (
  SELECT `items`.`conversation_pk` * 4294967296 + `items`.`position` AS `key`, (
    SELECT group_concat(`node`.`value`, char(10)) FROM json_tree(`items`.`body`) AS `node`
    WHERE `node`.`type` = 'text' AND `node`.`key` IN ('text', 'refusal', 'arguments', 'output', 'input', 'code')
  ) AS `text`,
  (SELECT 'o' || lower(hex(`owner`)) FROM `conversations` WHERE `pk` = `items`.`conversation_pk`) AS `owner`
  FROM `items` WHERE `items`.`body` IS NOT NULL
) WHERE `text` <> '';
