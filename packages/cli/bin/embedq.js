#!/usr/bin/env node
// The `embedq` command as pnpm links it. pnpm links bins at install time, before anything is
// built, and skips a bin whose file is missing, so this file is checked in and only loads the
// built CLI (src/bin.ts -> dist/bin.js).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("embedq: the CLI is not built; run 'pnpm build' first\n");
  process.exit(1);
}
await import(entry.href);
