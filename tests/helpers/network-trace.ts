import { execFileSync } from 'node:child_process';
import { CLI, SOURCE_FLAGS } from './cli-process.js';

/**
 * Reads strace output for the socket calls that reach the network (connect, sendto, sendmsg, bind) and
 * classifies their addresses. strace sees native code too (ONNX Runtime), which JS-level hooks would not.
 */
export interface SocketCall {
  call: string;
  family: string;
  address: string;
  port?: number;
  line: string;
}

const CALL = /^(?:\d+\s+)?(connect|sendto|sendmsg|bind)\(/;
const INET4 = /sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/;
const INET6 = /sa_family=AF_INET6, sin6_port=htons\((\d+)\),.*?inet_pton\(AF_INET6, "([^"]+)"/;

export function parseSocketCalls(trace: string): SocketCall[] {
  const calls: SocketCall[] = [];
  for (const line of trace.split('\n')) {
    const call = CALL.exec(line)?.[1];
    if (!call) continue;
    const v4 = INET4.exec(line);
    const v6 = INET6.exec(line);
    if (v4) calls.push({ call, family: 'AF_INET', address: v4[2]!, port: Number(v4[1]), line });
    else if (v6) calls.push({ call, family: 'AF_INET6', address: v6[2]!, port: Number(v6[1]), line });
    else {
      const family = /sa_family=(AF_[A-Z0-9]+)/.exec(line)?.[1];
      if (family) calls.push({ call, family, address: '', line });
    }
  }
  return calls;
}

export function isLoopback(call: SocketCall): boolean {
  if (call.family === 'AF_INET') return call.address.startsWith('127.');
  if (call.family === 'AF_INET6') return call.address === '::1' || call.address.startsWith('::ffff:127.');
  return true; // AF_UNIX, AF_NETLINK...: never leave the machine
}

/** Calls that would reach (or expose the server to) another machine. */
export function nonLoopbackCalls(calls: SocketCall[]): SocketCall[] {
  return calls.filter((call) => !isLoopback(call));
}

export function straceAvailable(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The command line that runs the `sluice` CLI (from source) under strace, writing the socket calls to traceFile. */
export function tracedCliCommand(traceFile: string): string[] {
  return [
    'strace',
    '-f',
    '-qq',
    '-e',
    'trace=connect,sendto,sendmsg,bind',
    '-e',
    'signal=none',
    '-o',
    traceFile,
    process.execPath,
    ...SOURCE_FLAGS,
    CLI,
  ];
}
