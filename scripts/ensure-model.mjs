// Runs after `pnpm install`: compiles the model builder and makes sure the ONNX model in
// models/ is present and matches the checked-in lock file, building it when it is not.
import { spawnSync } from 'node:child_process';

if (process.env.EMBEDQ_SKIP_MODEL === '1') {
  console.error('[embedq] EMBEDQ_SKIP_MODEL=1: not building the model');
  process.exit(0);
}
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('pnpm', ['exec', 'tsc', '-b', 'packages/model']);
run(process.execPath, ['packages/model/dist/bin.js', 'ensure']);
