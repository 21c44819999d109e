#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { buildModel, ensureModel, verifyModel } from './build-model.js';
import { ModelBuildError } from './errors.js';

const usage = `usage: embedq-model <build|ensure|verify> [--dir DIR] [--update-lock]
  build    rebuild the ONNX graphs and tokenizer from the published weights
  ensure   verify the model against the lock; build it when missing or different
  verify   exit 1 when the model differs from the lock`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      'update-lock': { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  const [command] = positionals;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const dir = values.dir ? { dir: values.dir } : {};
  switch (command) {
    case 'build':
      await buildModel({ ...dir, updateLock: values['update-lock'] });
      return 0;
    case 'ensure':
      await ensureModel(dir);
      return 0;
    case 'verify': {
      const problems = verifyModel(values.dir);
      for (const problem of problems) console.error(problem);
      return problems.length === 0 ? 0 : 1;
    }
    default:
      console.error(usage);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ModelBuildError) console.error(`error: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
