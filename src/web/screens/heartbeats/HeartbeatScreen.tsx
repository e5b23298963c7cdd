// One heartbeat check: where it stands, the page it opened while down (to acknowledge
// or resolve here), its ping URL (and a new one, should it leak), its last pings (with
// their run logs), and Pause / Resume. A refused change shows the server's problem.
import { Fragment, useState, type ReactNode } from 'react';
import type { AlertPage, Heartbeat, HeartbeatDetail, HeartbeatPing } from '../../api/types';
import { apiPost, segment } from '../../api/client';
import { problemErrors } from '../../api/problem-errors';
import { useApi } from '../../api/use-api';
import { runNote, statusText } from '../../format/heartbeat';
import { formatSeconds } from '../../format/incident';
import { formatCount } from '../../format/numbers';
import { formatRunDuration } from '../../format/run-time';
import { formatInstant, formatInstantForZone, formatInstantSeconds } from '../../format/time';
import { paths } from '../../router/routes';
import { FormError } from '../../ui/FieldError';
import { LoadView } from '../../ui/LoadView';
import { Breadcrumb } from '../../ui/Breadcrumb';
import { Panel } from '../../ui/Panel';
import { useTitle } from '../../ui/use-title';
import { PageItem } from '../oncall/OpenPages';
import { HeartbeatStatusBadge, instantOr, PingUrl } from './heartbeat-parts';

/** A ping keeps the first this many bytes of its body (the server's limit). */
const PING_LOG_BYTES_KEPT = 10_000;

const FORBIDDEN =
  "This token may not pause or resume this check: it takes an editor of the service's team.";
const ROTATE_FORBIDDEN =
  "This token may not give this check a new ping URL: it takes an editor of the service's team.";

export function HeartbeatScreen({ name }: { readonly name: string }) {
  useTitle(name);
  const heartbeat = useApi<HeartbeatDetail>(`/api/v1/heartbeats/${segment(name)}`);
  return (
    <div className="screen">
      <Breadcrumb trail={[{ label: 'Heartbeats', href: paths.heartbeats() }, { label: name }]} />
      <LoadView load={heartbeat.load} what={`heartbeat ${name}`} retry={heartbeat.reload}>
        {(found) => (
          <>
            <div className="screen-header">
              <div>
                <h1>
                  <span data-field="name">{found.name}</span>{' '}
                  <HeartbeatStatusBadge status={found.status} />
                </h1>
                {found.description === null ? null : <p className="lead">{found.description}</p>}
              </div>
              <PauseResume heartbeat={found} onChanged={heartbeat.reload} />
            </div>
            {/* Read again whenever the check changes status: a run, a pause or a resume may
                have resolved the page. */}
            <CheckPages
              key={`${found.status} ${found.cause?.since ?? ''}`}
              heartbeat={found}
              onChanged={heartbeat.reload}
            />
            <div className="panel-row">
              <Panel title="Check" id="check">
                <Facts heartbeat={found} />
              </Panel>
              <Panel title="Ping URL" id="ping-url">
                <PingUrl url={found.pingUrl} label="Ping URL" />
                {found.pingUrl === undefined ? null : (
                  <>
                    <p className="muted">Let the job call it when it succeeds:</p>
                    <pre>
                      <code>{`curl -fsS -m 10 --retry 5 ${found.pingUrl}`}</code>
                    </pre>
                    <p className="muted small">
                      Append <code>/start</code> before the run, <code>/fail</code> or the exit
                      status after it; a POST body is kept as the run&apos;s log.
                    </p>
                    <p className="muted">
                      Or let the CLI wrap the job: it pings the start, then the exit status with the
                      end of the output, and tries a ping again that did not get through:
                    </p>
                    <pre data-field="run-command">
                      <code>{`headroom run --ping-url ${found.pingUrl} -- /path/to/job`}</code>
                    </pre>
                    {/* Those who see the URL are those who may rotate it. */}
                    <RotatePingUrl heartbeat={found} onRotated={heartbeat.reload} />
                  </>
                )}
              </Panel>
            </div>
            <Panel title="Last pings" id="pings">
              <Pings pings={found.pings} />
            </Panel>
          </>
        )}
      </LoadView>
    </div>
  );
}

/**
 * The open pages this check's open alert is on (`?heartbeat=`): a down check's page, to
 * acknowledge or resolve without leaving the check. Nothing while there is none, or the
 * token may not read pages.
 */
function CheckPages(props: { readonly heartbeat: Heartbeat; readonly onChanged: () => void }) {
  const { heartbeat } = props;
  const pages = useApi<AlertPage[]>(`/api/v1/pages?heartbeat=${segment(heartbeat.name)}`);
  if (pages.load.kind !== 'ok') return null;
  const own = pages.load.data;
  if (own.length === 0) return null;
  return (
    <Panel title={own.length === 1 ? 'Open page' : 'Open pages'} id="check-pages">
      {own.map((page) => (
        <Fragment key={page.id}>
          {isCheckAlert(page.alerts[0], heartbeat.name) ? null : (
            <p className="muted small" data-field="joined">
              This check&apos;s alert joined a page open since {formatInstant(page.openedAt)} on{' '}
              {page.services.join(', ')}:
            </p>
          )}
          <ul className="page-list">
            <PageItem
              page={page}
              onChanged={() => {
                pages.reload();
                props.onChanged();
              }}
            />
          </ul>
        </Fragment>
      ))}
    </Panel>
  );
}

/** The check's alert may have joined a page another alert of its service opened. */
function isCheckAlert(alert: AlertPage['alerts'][number] | undefined, check: string): boolean {
  return alert?.source === 'heartbeat' && alert.labels.heartbeat === check;
}

function PauseResume(props: { readonly heartbeat: Heartbeat; readonly onChanged: () => void }) {
  const { heartbeat } = props;
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const action = heartbeat.status === 'paused' ? 'resume' : 'pause';
  const run = () => {
    setSending(true);
    setError(undefined);
    setDone(null);
    apiPost<Heartbeat>(`/api/v1/heartbeats/${segment(heartbeat.name)}/${action}`, {}).then(
      (changed) => {
        setSending(false);
        setDone(`${action === 'pause' ? 'Paused' : 'Resumed'}: now ${changed.status}.`);
        props.onChanged();
      },
      (failure: unknown) => {
        setSending(false);
        setError(problemErrors(failure, [], FORBIDDEN).form);
      },
    );
  };
  return (
    <div className="heartbeat-actions" data-form="pause-resume">
      <div className="form-actions">
        <button type="button" className="button button-primary" disabled={sending} onClick={run}>
          {action === 'pause' ? 'Pause' : 'Resume'}
        </button>
        <span role="status" className="form-status">
          {done}
        </span>
      </div>
      <FormError message={error} />
    </div>
  );
}

/**
 * A new ping URL for a leaked one. The old URL dies at once (no grace period), so the
 * person confirms first, told that every job still calling it will be refused.
 */
function RotatePingUrl(props: { readonly heartbeat: Heartbeat; readonly onRotated: () => void }) {
  const { heartbeat } = props;
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [rotatedTo, setRotatedTo] = useState<string | null>(null);
  const rotate = () => {
    setSending(true);
    setError(undefined);
    apiPost<Heartbeat>(`/api/v1/heartbeats/${segment(heartbeat.name)}/rotate-token`, {}).then(
      (changed) => {
        setSending(false);
        setConfirming(false);
        setRotatedTo(changed.pingUrl ?? null);
        props.onRotated();
      },
      (failure: unknown) => {
        setSending(false);
        setError(problemErrors(failure, [], ROTATE_FORBIDDEN).form);
      },
    );
  };
  return (
    <div className="rotate-ping-url" data-form="rotate-ping-url">
      {confirming ? (
        <div
          className="notice notice-warning"
          role="group"
          aria-labelledby="rotate-ping-url-warning"
        >
          <p id="rotate-ping-url-warning" data-field="rotate-warning">
            The current URL stops working at once: every job still calling it gets 404, and the
            check goes late. Give each job the new URL.
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="button button-primary"
              disabled={sending}
              onClick={rotate}
            >
              Make a new ping URL
            </button>
            <button
              type="button"
              className="button"
              disabled={sending}
              onClick={() => {
                setConfirming(false);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          className="button"
          onClick={() => {
            setRotatedTo(null);
            setConfirming(true);
          }}
        >
          New ping URL
        </button>
      )}
      <p role="status" className="form-status" data-field="rotated">
        {rotatedTo === null
          ? null
          : `New ping URL: ${rotatedTo}. The old one now answers 404: update the job.`}
      </p>
      <FormError message={error} />
    </div>
  );
}

type RecentRuns = HeartbeatDetail['recentRuns'];

/** "18 of the last 20 succeeded", over the runs among the pings listed below. */
function recentRunsText(runs: RecentRuns, pinged: boolean): ReactNode {
  if (runs.runs === 0)
    return <span className="muted">{pinged ? 'none among the last pings' : 'none yet'}</span>;
  if (runs.runs === 1) return `the last run ${runs.failed === 1 ? 'failed' : 'succeeded'}`;
  return `${formatCount(runs.runs - runs.failed)} of the last ${formatCount(runs.runs)} succeeded`;
}

/** "median 4m12s, longest 9m; 2 overran, 1 too fast". */
function runTimesText(runs: RecentRuns): ReactNode {
  if (runs.runs === 0) return <span className="muted">—</span>;
  const flagged = [
    ...(runs.overran > 0 ? [`${formatCount(runs.overran)} overran`] : []),
    ...(runs.tooFast > 0 ? [`${formatCount(runs.tooFast)} too fast`] : []),
  ];
  if (runs.medianSeconds === null || runs.longestSeconds === null)
    return <span className="muted">not known: no run pinged /start</span>;
  const times = `median ${formatRunDuration(runs.medianSeconds)}, longest ${formatRunDuration(runs.longestSeconds)}`;
  return flagged.length === 0 ? times : `${times}; ${flagged.join(', ')}`;
}

function Facts({ heartbeat }: { readonly heartbeat: HeartbeatDetail }) {
  // A cron check runs on its zone's clock: its next run reads as the crontab says it.
  const zone = heartbeat.timeZone;
  const onItsClock = (iso: string) => formatInstantForZone(iso, zone);
  const rows: [string, string, ReactNode][] = [
    ['cause', 'Status', statusText(heartbeat)],
    ['service', 'Service', <a href={paths.service(heartbeat.service)}>{heartbeat.service}</a>],
    ['team', 'Team', heartbeat.team ?? <span className="muted">none</span>],
    ['schedule', 'Schedule', heartbeat.schedule],
    ['grace', 'Grace', formatSeconds(heartbeat.graceSeconds)],
    ['max-run', 'Max run time', formatSeconds(heartbeat.maxRunSeconds)],
    [
      'min-run',
      'Min run time',
      heartbeat.minRunSeconds === null ? (
        <span className="muted">none</span>
      ) : (
        formatSeconds(heartbeat.minRunSeconds)
      ),
    ],
    [
      'slos',
      'SLOs over its runs',
      heartbeat.slos.length === 0 ? (
        <span className="muted">none</span>
      ) : (
        heartbeat.slos.map((slo, index) => (
          <Fragment key={slo}>
            {index > 0 ? ', ' : null}
            <a href={paths.slo(slo)}>{slo}</a>
          </Fragment>
        ))
      ),
    ],
    // lastPingAt is the last success or failure (healthchecks' last_ping); a /start is not one.
    ['last-ping', 'Last run ended', instantOr(heartbeat.lastPingAt, 'never', formatInstant)],
    ['last-success', 'Last success', instantOr(heartbeat.lastSuccessAt, 'never', formatInstant)],
    ['last-failure', 'Last failure', instantOr(heartbeat.lastFailureAt, 'never', formatInstant)],
    [
      'expected-at',
      'Next run expected',
      instantOr(heartbeat.expectedAt, 'nothing expected', onItsClock),
    ],
    ['down-at', 'Down if no run by', instantOr(heartbeat.downAt, '—', onItsClock)],
    [
      'running-since',
      'Run in progress',
      runNote(heartbeat) ?? <span className="muted">not running</span>,
    ],
    [
      'recent-runs',
      'Recent runs',
      recentRunsText(heartbeat.recentRuns, heartbeat.pings.length > 0),
    ],
    ['run-times', 'Run time', runTimesText(heartbeat.recentRuns)],
  ];
  return (
    <dl className="facts">
      {rows.map(([field, label, value]) => (
        <div key={field}>
          <dt>{label}</dt>
          <dd data-field={field}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Pings({ pings }: { readonly pings: readonly HeartbeatPing[] }) {
  if (pings.length === 0) return <p className="muted">No pings yet.</p>;
  return (
    <div className="table-scroll">
      <table className="ping-table">
        <caption className="visually-hidden">The last pings, newest first</caption>
        <thead>
          <tr>
            <th scope="col">At (UTC)</th>
            <th scope="col">Kind</th>
            <th scope="col" className="numeric">
              Exit status
            </th>
            <th scope="col" className="numeric">
              Duration
            </th>
            <th scope="col">From</th>
            <th scope="col">Log</th>
          </tr>
        </thead>
        <tbody>
          {pings.map((ping, index) => (
            <tr key={`${ping.at}-${String(index)}`} data-ping={index}>
              <th scope="row" data-field="at">
                {formatInstantSeconds(ping.at)}
              </th>
              <td data-field="kind">
                <span className={`badge ping-${ping.kind}`}>{ping.kind}</span>
              </td>
              <td className="numeric" data-field="exit-status">
                {ping.exitStatus === null ? '—' : String(ping.exitStatus)}
              </td>
              <td className="numeric" data-field="duration">
                {formatRunTime(ping.durationSeconds)}
                {ping.tooFast ? (
                  <>
                    {' '}
                    <span
                      className="badge ping-fail"
                      data-field="too-fast"
                      title="Ended sooner than the check's minimum run time"
                    >
                      too fast
                    </span>
                  </>
                ) : null}
                {ping.overran ? (
                  <>
                    {' '}
                    <span
                      className="badge ping-fail"
                      data-field="overran"
                      title="Took longer than the check's max run time: the check went late meanwhile"
                    >
                      overran
                    </span>
                  </>
                ) : null}
              </td>
              <td className="small" data-field="remote">
                {ping.remote ?? '—'}
              </td>
              <td data-field="log">
                {ping.body === null ? (
                  <span className="muted">none</span>
                ) : (
                  <details>
                    <summary>
                      {ping.bodyTruncated
                        ? `Log: the first ${formatCount(PING_LOG_BYTES_KEPT)} of ${formatCount(ping.bodyBytes ?? 0)} bytes sent`
                        : `Log (${formatCount(ping.body.length)} characters)`}
                    </summary>
                    <pre className="run-log">{ping.body}</pre>
                    {/* The kept start of a longer log: what followed, where errors usually are, is gone. */}
                    {ping.bodyTruncated ? (
                      <p className="muted small" data-field="log-cut">
                        Cut here: the rest of the log was not kept.
                      </p>
                    ) : null}
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A run's duration: "2.4s", "1m37s" (format/run-time.ts, tested there). */
function formatRunTime(seconds: number | null): string {
  return seconds === null ? '—' : formatRunDuration(seconds);
}
