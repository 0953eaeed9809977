#!/usr/bin/env node
// The installed `sluice` command runs the compiled CLI (npm run build).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`sluice: ${error?.message ?? error}\n`);
  process.exit(2);
});
