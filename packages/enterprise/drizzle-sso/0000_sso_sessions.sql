CREATE TABLE `sso_login_attempts` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`binding_hash` text NOT NULL,
	`code_verifier` text NOT NULL,
	`nonce` text NOT NULL,
	`return_to` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sso_login_attempts_expires_at_idx` ON `sso_login_attempts` (`expires_at`);--> statement-breakpoint
CREATE TABLE `sso_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`subject` text NOT NULL,
	`name` text,
	`email` text,
	`role` text NOT NULL,
	`scopes` text NOT NULL,
	`id_token` text,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sso_sessions_token_hash_idx` ON `sso_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sso_sessions_subject_idx` ON `sso_sessions` (`subject`);--> statement-breakpoint
CREATE INDEX `sso_sessions_expires_at_idx` ON `sso_sessions` (`expires_at`);