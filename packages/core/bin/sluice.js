#!/usr/bin/env node
// The installed `sluice` command runs the compiled CLI (npm run build).
import { run } from '../dist/cli.js';

run(process.argv.slice(2));
