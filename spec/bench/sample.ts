/**
 * What every benchmark server (bearer-guard's in server.ts, the peers' and ceilings' in
 * peers.mjs) answers over IPC: asked anything, its own CPU time, the kernel's part of it, its
 * minor page faults and the requests it has been handed so far, from which the parent computes
 * per-request figures for each window. It also exits with its parent.
 */
import type { Server } from 'node:net';

/** One reading of a server, as the parent receives it. */
export interface ServerSample {
  cpuUs: number;
  systemUs: number;
  minorFaults: number;
  requests: number;
}

/** Counts `server`'s requests and answers the parent's samples. */
export function answerSamples(server: Server): void {
  let handled = 0;
  server.on('request', () => {
    handled++;
  });
  process.on('message', () => {
    const cpu = process.cpuUsage();
    const sample: ServerSample = {
      cpuUs: cpu.user + cpu.system,
      systemUs: cpu.system,
      minorFaults: process.resourceUsage().minorPageFault,
      requests: handled,
    };
    process.send?.(sample);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}
