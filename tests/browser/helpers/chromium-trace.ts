/**
 * Chromium under strace: a wrapper script (written into the test's scratch directory) that playwright launches
 * as the browser executable; it runs /usr/bin/chromium under `strace -f`, recording every thread's socket calls.
 *
 * One kind of non-loopback call is not traffic and is reported apart: Chromium's IPv6 reachability probe
 * (net/dns, "IsGloballyReachable") connect()s a datagram socket to 2001:4860:4860::8888 port 443 to ask the kernel
 * for a route, and never sends on it. A connect on a datagram socket sends no packet; a send on it would.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isLoopback, parseSocketCalls, type SocketCall } from '../../helpers/network-trace.js';
import { CHROMIUM_PATH } from './chromium.js';

export const ROUTE_PROBE_ADDRESSES = new Set(['2001:4860:4860::8888', '8.8.8.8']);

export interface TracedChromium {
  /** Give this to launchChromium({ executablePath }). */
  executablePath: string;
  traceFile: string;
  analyse(): ChromiumTraceAnalysis;
}

export interface ChromiumTraceAnalysis {
  calls: SocketCall[];
  /** Calls that reach, or could reach, another machine. */
  offending: string[];
  /** Route probes: connect() on a datagram socket that nothing was ever sent on. */
  routeProbes: string[];
}

export function tracedChromium(scratchDir: string): TracedChromium {
  const traceFile = path.join(scratchDir, 'chromium.trace');
  const executablePath = path.join(scratchDir, 'chromium-under-strace.sh');
  writeFileSync(
    executablePath,
    [
      '#!/bin/sh',
      `exec strace -f -qq -e trace=socket,close,connect,sendto,sendmsg,sendmmsg,bind -e signal=none -o ${JSON.stringify(traceFile)} ${CHROMIUM_PATH} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(executablePath, 0o755);
  return { executablePath, traceFile, analyse: () => analyseChromiumTrace(readFileSync(traceFile, 'utf8')) };
}

const SOCKET = /^(\d+)\s+socket\((AF_[A-Z0-9]+), (SOCK_[A-Z]+)/;
const RESULT = /= (\d+)\s*$/;
const CLOSE = /^\d+\s+close\((\d+)\)/;
const RESUMED = /^(\d+)\s+<\.\.\. (\w+) resumed>/;
const FD_CALL = /^(\d+)\s+(connect|sendto|sendmsg|sendmmsg|bind)\((\d+),/;

/** Joins strace's "<unfinished ...>" lines with their "<... x resumed>" ends, so each call is one line. */
export function joinUnfinished(trace: string): string[] {
  const pending = new Map<string, string>();
  const lines: string[] = [];
  for (const line of trace.split('\n')) {
    const unfinished = /^(\d+)\s+(.*) <unfinished \.\.\.>$/.exec(line);
    if (unfinished) {
      pending.set(unfinished[1]!, line.replace(/ <unfinished \.\.\.>$/, ''));
      continue;
    }
    const resumed = RESUMED.exec(line);
    if (resumed && pending.has(resumed[1]!)) {
      lines.push(pending.get(resumed[1]!)! + line.slice(line.indexOf('resumed>') + 'resumed>'.length));
      pending.delete(resumed[1]!);
      continue;
    }
    if (line.trim()) lines.push(line);
  }
  return [...lines, ...pending.values()];
}

export function analyseChromiumTrace(trace: string): ChromiumTraceAnalysis {
  const lines = joinUnfinished(trace);
  const calls = parseSocketCalls(lines.join('\n'));
  // Datagram sockets by "thread:fd" (strace -f numbers lines by thread; a probe opens and connects its socket
  // on one thread). Probes are forgotten when their descriptor is closed by any thread.
  const datagram = new Set<string>();
  const probes = new Map<string, string>();
  const offending: string[] = [];
  const routeProbes: string[] = [];
  const forgetFd = (fd: string) => {
    for (const key of [...probes.keys()]) if (key.endsWith(`:${fd}`)) probes.delete(key);
  };
  for (const line of lines) {
    // A closed descriptor number is reused by anything (files, pipes, IPC sockets): it is no probe any more.
    const close = CLOSE.exec(line);
    if (close) {
      forgetFd(close[1]!);
      continue;
    }
    const socket = SOCKET.exec(line);
    if (socket) {
      const fd = RESULT.exec(line)?.[1];
      if (fd === undefined) continue;
      const key = `${socket[1]}:${fd}`;
      datagram.delete(key);
      forgetFd(fd);
      if (socket[3] === 'SOCK_DGRAM') datagram.add(key);
      continue;
    }
    const fdCall = FD_CALL.exec(line);
    if (!fdCall) continue;
    const key = `${fdCall[1]}:${fdCall[3]}`;
    const [call] = parseSocketCalls(line);
    if (fdCall[2] === 'connect') {
      if (!call || isLoopback(call)) continue;
      if (datagram.has(key) && ROUTE_PROBE_ADDRESSES.has(call.address)) {
        probes.set(key, line);
        routeProbes.push(line);
      } else offending.push(line);
      continue;
    }
    // A bind to a non-loopback address (listening where others can reach), a send to one, or any send on a
    // probe socket, is exposure or traffic.
    if (call && !isLoopback(call)) offending.push(line);
    else if (probes.has(key)) offending.push(`sent on a route-probe socket (${probes.get(key)}): ${line}`);
  }
  return { calls, offending, routeProbes };
}
