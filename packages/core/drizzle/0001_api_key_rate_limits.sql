ALTER TABLE `api_keys` ADD `rate_limit_max` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `rate_limit_window_ms` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `last_used_at` integer;