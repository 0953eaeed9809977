ALTER TABLE `enterprise_audit_chain` ADD `head_seal` text;--> statement-breakpoint
ALTER TABLE `enterprise_audit_log` ADD `count` integer;--> statement-breakpoint
-- The chain head exists from the start (a missing head means the log was wiped outside Sluice). Its seal is
-- headSeal of the genesis state (audit/canonical.ts); an existing head is sealed by the plugin right after this migration.
INSERT OR IGNORE INTO `enterprise_audit_chain` (`id`, `anchor_seq`, `anchor_hash`, `head_seq`, `head_hash`, `head_seal`) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, '0000000000000000000000000000000000000000000000000000000000000000', 'd22e7841e7789df204c271acc67092f0ac87f3f2513c30423eeedc1226f7b918');
