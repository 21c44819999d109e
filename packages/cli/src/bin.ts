#!/usr/bin/env node
import { main } from './main.js';

// `embedq embed ... | head -1`: a closed stdout ends the program quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
