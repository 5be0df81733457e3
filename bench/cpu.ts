// CPU seconds spent by each party during a phase, from /proc (Linux only;
// elsewhere the server columns read n/a): who is the bottleneck on this box.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface CpuSnapshot {
  at: number;
  benchS: number;
  temporalS: number | undefined;
  postgresS: number | undefined;
}

const TICKS_PER_SECOND = 100;

function procTimes(pid: number): { cpuS: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state ppid ... utime(14) stime(15) cutime(16) cstime(17).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return { cpuS: (utime! + stime! + cutime! + cstime!) / TICKS_PER_SECOND, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** The postmaster and its live backends (children). */
function postgresCpu(postmasterPid: number | undefined): number | undefined {
  if (postmasterPid === undefined) return undefined;
  const main = procTimes(postmasterPid);
  if (!main) return undefined;
  let total = main.cpuS;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procTimes(Number(entry));
    if (child && child.ppid === postmasterPid) total += child.cpuS;
  }
  return total;
}

export function postmasterPidOf(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(pids: { temporal?: number; postmaster?: number }): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    benchS: (own.user + own.system) / 1e6,
    temporalS: pids.temporal === undefined ? undefined : procTimes(pids.temporal)?.cpuS,
    postgresS: postgresCpu(pids.postmaster),
  };
}

export interface CpuShare {
  wallS: number;
  /** CPU-seconds per wall-second: 1.0 = one core busy */
  bench: number;
  temporal: number | undefined;
  postgres: number | undefined;
}

export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuShare {
  const wallS = (b.at - a.at) / 1000;
  const per = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? undefined : (y - x) / wallS);
  return { wallS, bench: (b.benchS - a.benchS) / wallS, temporal: per(a.temporalS, b.temporalS), postgres: per(a.postgresS, b.postgresS) };
}
