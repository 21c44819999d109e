import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless private targets are allowed: a webhook URL is chosen
 * by an API user and fetched from inside the deployment, so without this it could read the cloud
 * metadata service or internal hosts (server-side request forgery).
 */
const FORBIDDEN: readonly {
  readonly kind: string;
  readonly v4?: readonly string[];
  readonly v6?: readonly string[];
}[] = [
  { kind: 'metadata', v4: ['169.254.169.254/32', '100.100.100.200/32'], v6: ['fd00:ec2::254/128'] },
  { kind: 'loopback', v4: ['127.0.0.0/8'], v6: ['::1/128'] },
  { kind: 'unspecified', v4: ['0.0.0.0/8'], v6: ['::/128'] },
  { kind: 'private', v4: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], v6: ['fc00::/7'] },
  { kind: 'shared (carrier-grade NAT)', v4: ['100.64.0.0/10'] },
  { kind: 'link-local', v4: ['169.254.0.0/16'], v6: ['fe80::/10', 'fec0::/10'] },
  {
    kind: 'reserved',
    v4: ['192.0.0.0/24', '192.0.2.0/24', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4'],
    v6: ['2001:db8::/32'],
  },
  { kind: 'multicast', v4: ['224.0.0.0/4'], v6: ['ff00::/8'] },
];

const LISTS = FORBIDDEN.map(({ kind, v4 = [], v6 = [] }) => {
  const list = new BlockList();
  for (const subnet of v4) addSubnet(list, subnet, 'ipv4');
  for (const subnet of v6) addSubnet(list, subnet, 'ipv6');
  return { kind, list };
});

function addSubnet(list: BlockList, subnet: string, type: 'ipv4' | 'ipv6'): void {
  const [network = '', prefix = ''] = subnet.split('/');
  list.addSubnet(network, Number(prefix), type);
}

/**
 * Why `address` (an IP literal) may not be a webhook's target, or undefined when it may. IPv6
 * forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by that address.
 */
export function forbiddenAddressKind(address: string): string | undefined {
  const version = isIP(address);
  if (version === 0) return 'not an IP address';
  if (version === 6) {
    const embedded = embeddedIpv4(address);
    if (embedded !== undefined) return forbiddenAddressKind(embedded);
  }
  const type = version === 4 ? 'ipv4' : 'ipv6';
  return LISTS.find(({ list }) => list.check(address, type))?.kind;
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (groups === undefined) return undefined;
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const isNat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (isMapped || isNat64) return ipv4Of(groups[6] ?? 0, groups[7] ?? 0);
  if (groups[0] === 0x2002) return ipv4Of(groups[1] ?? 0, groups[2] ?? 0);
  return undefined;
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (with a dotted IPv4 tail or `::` allowed). */
function expandIpv6(address: string): number[] | undefined {
  let text = address.split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...left, ...new Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map(
    (g) => Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}
