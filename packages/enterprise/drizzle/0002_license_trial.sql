CREATE TABLE `enterprise_license_trial` (
	`id` integer PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`started_by` text,
	`end_recorded_at` integer,
	CONSTRAINT "enterprise_license_trial_single_row" CHECK("enterprise_license_trial"."id" = 1),
	CONSTRAINT "enterprise_license_trial_ends_after_start" CHECK("enterprise_license_trial"."ends_at" > "enterprise_license_trial"."started_at")
);
