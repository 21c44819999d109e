import { describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../main.js';
import { runMain } from '../test-support/run-main.js';

const cli = runMain;

describe('embedq plan', () => {
  it('explains itself', async () => {
    const { code, stdout } = await cli(['plan', '--help']);
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('Usage: embedq plan');
    expect(stdout).toContain('ceil((arrival + backlog / SLA) / (utilisation x per-worker rate))');
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}plan {2}/m);
  });

  it.each([
    [['--sla', '0'], "plan: --sla must be a whole number 1..86400, got '0'"],
    [['--sla', '90000'], "plan: --sla must be a whole number 1..86400, got '90000'"],
    [['--sla', '1.5'], "plan: --sla must be a whole number 1..86400, got '1.5'"],
    [['--target=-5'], "plan: --target must be a whole number 0..10000000, got '-5'"],
    [['--target', 'lots'], "plan: --target must be a whole number 0..10000000, got 'lots'"],
    [['--utilisation', '1.5'], "plan: --utilisation must be a number 0.05..1, got '1.5'"],
    [['--utilisation', '0'], "plan: --utilisation must be a number 0.05..1, got '0'"],
    [['--utilisation', '80%'], "plan: --utilisation must be a number 0.05..1, got '80%'"],
    [['--window', '10'], "plan: --window must be a whole number 30..3300, got '10'"],
    [['--window', '3600'], "plan: --window must be a whole number 30..3300, got '3600'"],
    [['--worker-tokens', '0'], "plan: --worker-tokens must be a whole number 1..10000000, got '0'"],
    [['--min-workers', '1001'], "plan: --min-workers must be a whole number 0..1000, got '1001'"],
    [['now'], "plan: unexpected argument 'now'"],
  ])('refuses %j with a usage error, before connecting to anything', async (args, message) => {
    // Services that do not exist: a usage error must come first.
    const { code, stdout, stderr } = await cli(['plan', ...args], {
      REDIS_URL: 'redis://127.0.0.1:1',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe('');
    expect(stderr).toBe(`embedq: ${message}\nRun 'embedq plan --help' for usage.\n`);
  });

  it('refuses an unknown option and a missing value', async () => {
    expect((await cli(['plan', '--slo', '60'])).stderr).toMatch(/^embedq: plan: Unknown option '--slo'/);
    expect((await cli(['plan', '--sla'])).code).toBe(EXIT_USAGE);
  });

  it('says which variable is wrong when the environment is', async () => {
    const badTarget = await cli(['plan'], { THROUGHPUT_TARGET: 'fast' });
    expect(badTarget.code).toBe(EXIT_USAGE);
    expect(badTarget.stderr).toContain("THROUGHPUT_TARGET must be a whole number 1..10000000, got 'fast'");
    const badSla = await cli(['plan'], { LATENCY_SLA_SECONDS: '0' });
    expect(badSla.code).toBe(1);
    expect(badSla.stderr).toContain("LATENCY_SLA_SECONDS must be an integer 1..86400, got '0'");
  });
});
