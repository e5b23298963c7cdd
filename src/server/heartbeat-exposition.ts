// The heartbeat checks' gauges of /metrics, as healthchecks exposes its checks
// (hc_check_up, hc_check_started): a Prometheus that scrapes Headroom can alert on,
// or graph, a cron job's state next to everything else it watches.
import type { HeartbeatStatus } from '../core/heartbeats/model.js';
import { extraLabel, renderGaugeFamilies, type GaugeFamily } from './gauge-exposition.js';

/** A check as the scrape sees it. */
export interface HeartbeatGauge {
  readonly name: string;
  readonly service: string;
  readonly status: HeartbeatStatus;
  /** A run started and not ended (nor timed out). */
  readonly running: boolean;
  /** The last success or failure. */
  readonly lastPingAt: number | null;
}

const HEARTBEAT_FAMILIES: readonly GaugeFamily<HeartbeatGauge>[] = [
  {
    name: 'headroom_heartbeat_up',
    help: '0 while the check is down, else 1 (new, up, late within its grace, paused)',
    samples: (check) => [['', check.status === 'down' ? 0 : 1]],
  },
  {
    // One series a check, its status a label (as argocd_app_info gives an app's health):
    // a series for each status, four of them 0, would be five times the lines to write
    // at every scrape for a count by status or a list of the late ones.
    name: 'headroom_heartbeat_status',
    help: 'Always 1; the status label says what the check is now: new, up, late, down or paused',
    samples: (check) => [[extraLabel('status', check.status), 1]],
  },
  {
    name: 'headroom_heartbeat_running',
    help: '1 while a run has started (/start) and not ended',
    samples: (check) => [['', check.running ? 1 : 0]],
  },
  {
    name: 'headroom_heartbeat_last_ping_timestamp_seconds',
    help: 'When the check last had a success or a failure, in Unix seconds; absent before the first',
    samples: (check) => (check.lastPingAt === null ? [] : [['', check.lastPingAt / 1000]]),
  },
];

/** Every heartbeat family, each check labelled by its name and service. */
export function renderHeartbeatFamilies(checks: readonly HeartbeatGauge[]): Promise<string> {
  return renderGaugeFamilies(HEARTBEAT_FAMILIES, checks, (check) => [
    ['heartbeat', check.name],
    ['service', check.service],
  ]);
}
