CREATE TABLE `enterprise_audit_chain` (
	`id` integer PRIMARY KEY NOT NULL,
	`anchor_seq` integer NOT NULL,
	`anchor_hash` text NOT NULL,
	`head_seq` integer NOT NULL,
	`head_hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `enterprise_audit_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`time` text NOT NULL,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text,
	`actor_name` text,
	`resource_type` text NOT NULL,
	`resource_id` text,
	`reason` text,
	`ip` text,
	`request_id` text,
	`detail` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `enterprise_audit_log_time_idx` ON `enterprise_audit_log` (`time`);--> statement-breakpoint
CREATE INDEX `enterprise_audit_log_action_idx` ON `enterprise_audit_log` (`action`,`seq`);--> statement-breakpoint
CREATE INDEX `enterprise_audit_log_actor_idx` ON `enterprise_audit_log` (`actor_id`,`seq`);--> statement-breakpoint
CREATE INDEX `enterprise_audit_log_resource_idx` ON `enterprise_audit_log` (`resource_type`,`resource_id`,`seq`);--> statement-breakpoint
CREATE TABLE `enterprise_audit_outbox` (
	`seq` integer PRIMARY KEY NOT NULL,
	`entry` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `enterprise_audit_outbox_next_attempt_idx` ON `enterprise_audit_outbox` (`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `enterprise_license` (
	`id` integer PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`installed_at` integer NOT NULL,
	`installed_by` text
);
--> statement-breakpoint
CREATE TABLE `enterprise_quotas` (
	`subject` text PRIMARY KEY NOT NULL,
	`requests_per_day` integer,
	`requests_per_month` integer,
	`tokens_per_day` integer,
	`tokens_per_month` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `enterprise_usage` (
	`granularity` text NOT NULL,
	`bucket_start` integer NOT NULL,
	`subject` text NOT NULL,
	`subject_kind` text NOT NULL,
	`model` text NOT NULL,
	`version` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`items` integer DEFAULT 0 NOT NULL,
	`tokens` integer DEFAULT 0 NOT NULL,
	`compute_ms` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enterprise_usage_bucket_uq` ON `enterprise_usage` (`granularity`,`bucket_start`,`subject`,`model`,`version`);--> statement-breakpoint
CREATE INDEX `enterprise_usage_subject_idx` ON `enterprise_usage` (`granularity`,`subject`,`bucket_start`);