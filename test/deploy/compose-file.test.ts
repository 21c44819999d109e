import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROCESS_RUNTIMES, procfileCommand } from '@embedq/config';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const composeFile = join(root, 'docker-compose.yml');

/** The first executable called `name` on PATH. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Procfile process types and their commands, split on spaces. */
function procfile(): Map<string, string[]> {
  const types = new Map<string, string[]>();
  for (const line of readFileSync(join(root, 'Procfile'), 'utf8').split('\n')) {
    const match = /^([A-Za-z0-9_-]+):\s*(\S.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) types.set(match[1], match[2].trim().split(/\s+/));
  }
  return types;
}

/** `apps/api/dist/main.js` -> `apps/api/src/main.ts`: what tsc compiles that file from. */
const sourceOf = (built: string): string => built.replace('/dist/', '/src/').replace(/\.js$/, '.ts');

const compose = onPath('docker-compose');
if (compose === undefined) {
  console.warn(
    '[deploy] docker-compose is not on PATH, so docker-compose.yml is not validated ' +
      '(scripts/setup.sh installs it)',
  );
}

describe.skipIf(compose === undefined)('docker-compose.yml (docker-compose on PATH)', () => {
  const run = (...args: string[]) =>
    spawnSync(compose ?? 'docker-compose', ['--file', composeFile, ...args], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('validates with docker-compose config -q', () => {
    const result = run('config', '-q');
    expect(result.error).toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
  });

  it('defines redis, postgres, migrate, api and worker', () => {
    const result = run('config', '--services');
    expect(result.status, result.stderr).toBe(0);
    const services = result.stdout.trim().split('\n').sort();
    expect(services).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);
  });
});

describe('docker-compose.yml and the Procfile', () => {
  it('runs the same entry points as the Procfile', () => {
    // Layout aside: the formatter breaks a long command list over lines, with a trailing comma.
    const text = readFileSync(composeFile, 'utf8').replace(/\s+/g, '').replaceAll(',]', ']');
    for (const [type, command] of procfile()) {
      const quoted = command.map((word) => `"${word}"`).join(',');
      expect(text, `the Procfile's ${type} command`).toContain(`[${quoted}]`);
    }
  });
});

describe('Procfile', () => {
  it('declares exactly web, worker and release', () => {
    expect([...procfile().keys()].sort()).toEqual(['release', 'web', 'worker']);
  });

  it.each([
    ['web', procfileCommand(PROCESS_RUNTIMES.web, 'apps/api/dist/main.js')],
    ['worker', procfileCommand(PROCESS_RUNTIMES.worker, 'apps/worker/dist/main.js')],
    ['release', ['node', 'packages/cli/dist/bin.js', 'migrate']],
  ])('%s runs %j', (type, command) => {
    expect(procfile().get(type)).toEqual(command);
  });

  it('points at built files whose sources exist', () => {
    for (const [type, command] of procfile()) {
      const script = command.find((word) => word.endsWith('.js'));
      expect(script, `${type} runs a file`).toMatch(/^(apps|packages)\/[a-z-]+\/dist\/[a-z-]+\.js$/);
      const source = sourceOf(script ?? '');
      expect(existsSync(join(root, source)), `${type}: ${source} exists`).toBe(true);
    }
    // The release command's subcommand exists too.
    expect(existsSync(join(root, 'packages/cli/src/commands/migrate.ts'))).toBe(true);
  });
});

interface AppJson {
  name?: unknown;
  buildpacks?: { url?: unknown }[];
  formation?: Record<string, { quantity?: unknown; size?: unknown }>;
  addons?: (string | { plan?: unknown })[];
  env?: Record<string, { generator?: unknown; required?: unknown; value?: unknown }>;
}

describe('app.json', () => {
  const app = (): AppJson => JSON.parse(readFileSync(join(root, 'app.json'), 'utf8')) as AppJson;

  it('parses and names the app', () => {
    expect(app().name).toBe('embedq');
  });

  it('provisions Heroku Postgres and Heroku Redis', () => {
    const plans = (app().addons ?? []).map((addon) => (typeof addon === 'string' ? addon : addon.plan));
    const services = plans.map((plan) => String(plan).split(':')[0]).sort();
    expect(services).toEqual(['heroku-postgresql', 'heroku-redis']);
  });

  it('builds with heroku/nodejs', () => {
    expect((app().buildpacks ?? []).map((b) => b.url)).toContain('heroku/nodejs');
  });

  it('starts one basic dyno of every long-running Procfile process type', () => {
    const running = [...procfile().keys()].filter((type) => type !== 'release').sort();
    const formation = app().formation ?? {};
    expect(Object.keys(formation).sort()).toEqual(running);
    for (const type of running) expect(formation[type]).toEqual({ quantity: 1, size: 'basic' });
  });

  it('asks for the API keys and generates the admin key', () => {
    const env = app().env ?? {};
    expect(env.API_KEYS?.required).toBe(true);
    expect(env.ADMIN_API_KEY?.generator).toBe('secret');
  });
});
