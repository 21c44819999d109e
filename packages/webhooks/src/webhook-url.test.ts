import { describe, expect, it } from 'vitest';
import { resolveWebhookAddresses, WebhookAddressError } from './resolve-webhook-addresses.js';
import { parseWebhookUrl } from './webhook-url.js';

const PUBLIC = { allowPrivate: false };
const PRIVATE_OK = { allowPrivate: true };

function problem(raw: string, policy = PUBLIC): string | undefined {
  const parsed = parseWebhookUrl(raw, policy);
  return 'problem' in parsed ? parsed.problem : undefined;
}

describe('parseWebhookUrl', () => {
  it('takes https URLs to public hosts', () => {
    expect(problem('https://hooks.example.com/embedq?x=1')).toBeUndefined();
    expect(problem('https://93.184.216.34:8443/hook')).toBeUndefined();
  });

  it.each([
    ['not a url', /not an absolute URL/],
    ['/relative/path', /not an absolute URL/],
    ['ftp://example.com/hook', /must be https \(got ftp\)/],
    ['http://example.com/hook', /must be https \(plain http only with WEBHOOK_ALLOW_PRIVATE=true\)/],
    ['https://user:pw@example.com/hook', /user name or password/],
    ['https://example.com/hook#part', /fragment/],
    ['https://127.0.0.1/hook', /loopback address/],
    ['https://[::1]/hook', /loopback address/],
    ['https://169.254.169.254/latest/meta-data', /metadata address/],
    ['https://10.0.0.7/hook', /private address/],
    ['https://localhost:8080/hook', /loopback address/],
    ['https://api.localhost/hook', /loopback address/],
    ['https://0x7f000001/hook', /loopback address/],
  ])('refuses %s', (raw, message) => {
    expect(problem(raw)).toMatch(message);
  });

  it('refuses a URL over 2,048 characters', () => {
    expect(problem(`https://example.com/${'a'.repeat(2_030)}`)).toMatch(/longer than 2048/);
  });

  it('takes plain http and private hosts with WEBHOOK_ALLOW_PRIVATE', () => {
    expect(problem('http://127.0.0.1:9000/hook', PRIVATE_OK)).toBeUndefined();
    expect(problem('http://localhost/hook', PRIVATE_OK)).toBeUndefined();
    expect(problem('ftp://127.0.0.1/hook', PRIVATE_OK)).toMatch(/must be https/);
  });
});

describe('resolveWebhookAddresses', () => {
  it('refuses a name that resolves to loopback', async () => {
    await expect(resolveWebhookAddresses('localhost', PUBLIC)).rejects.toThrow(WebhookAddressError);
    await expect(resolveWebhookAddresses('localhost', PUBLIC)).rejects.toThrow(
      /loopback address \(localhost -> /,
    );
  });

  it('resolves it when private targets are allowed', async () => {
    const addresses = await resolveWebhookAddresses('localhost', PRIVATE_OK);
    expect(addresses.length).toBeGreaterThan(0);
  });

  it('says when a name does not resolve', async () => {
    await expect(resolveWebhookAddresses('no-such-host.invalid', PUBLIC)).rejects.toThrow(/does not resolve/);
  });
});
