/**
 * The key a client address is counted under. IPv6 clients usually hold a whole /64, so counting single
 * addresses would let one of them rotate through 2^64 fresh counters: IPv6 counts per /64 prefix.
 */
import { isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (with "::" expanded and an embedded IPv4 tail converted). */
function ipv6Groups(address: string): string[] {
  let text = address.split('%')[0]!; // a zone id ("fe80::1%eth0") is not part of the address
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - headGroups.length - tailGroups.length }, () => '0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16).toString(16));
}

export function clientAddressKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!; // an IPv4 client on a dual-stack socket
  return `${ipv6Groups(ip).slice(0, 4).join(':')}::/64`;
}
