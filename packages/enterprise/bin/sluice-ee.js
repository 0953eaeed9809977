#!/usr/bin/env node
// The installed `sluice-ee` command runs the compiled CLI (npm run build).
import { main } from '../dist/cli/sluice-ee.js';
import { runMain } from '../dist/cli/cli-support.js';

runMain('sluice-ee', main, process.argv.slice(2));
