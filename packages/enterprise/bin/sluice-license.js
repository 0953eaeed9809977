#!/usr/bin/env node
// The installed `sluice-license` command (vendor side) runs the compiled CLI (npm run build).
import { main } from '../dist/cli/sluice-license.js';
import { runMain } from '../dist/cli/cli-support.js';

runMain('sluice-license', main, process.argv.slice(2));
