// The pages open now (GET /api/v1/pages?status=open), each with its runbooks and the
// Acknowledge and Resolve buttons; narrowed to one team's services when a team is chosen
// (kept in the address as ?team=, so that a reload or a shared link shows the same
// pages). Loaded with the on-call screen's first render, in a chunk of its own: it brings
// the Markdown reader for the runbooks.
import { useEffect, useId, useState } from 'react';
import type { AlertPage, PageSeverity, Team } from '../../api/types';
import { apiPost, segment } from '../../api/client';
import { problemErrors } from '../../api/problem-errors';
import { useApi } from '../../api/use-api';
import { heldText, nextText, notifiedText, urgencyText } from '../../format/escalation';
import { formatInstant } from '../../format/time';
import { paths } from '../../router/routes';
import { FormError } from '../../ui/FieldError';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';
import { PageStatusBadge } from '../../ui/PageStatusBadge';
import { RunbookFold } from '../../ui/RunbookFold';

const FORBIDDEN =
  'This token may not act on pages: it takes an editor of the team the page belongs to.';

const SEVERITY_GLYPHS: Readonly<Record<PageSeverity, string>> = {
  critical: '‼',
  error: '!',
  warning: '▲',
  info: 'i',
};

export function OpenPages() {
  const [team, setTeam] = useState(() => new URLSearchParams(location.search).get('team') ?? '');
  const query = new URLSearchParams({ status: 'open' });
  if (team !== '') query.set('team', team);
  const pages = useApi<AlertPage[]>(`/api/v1/pages?${query.toString()}`);
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    // Only on this screen (the chunk may arrive after a click away), only when changed.
    if (!location.pathname.startsWith(paths.oncall()) || (params.get('team') ?? '') === team)
      return;
    if (team === '') params.delete('team');
    else params.set('team', team);
    const search = params.toString();
    // Replaced, not pushed: back leaves the screen.
    history.replaceState(
      null,
      '',
      `${location.pathname}${search === '' ? '' : `?${search}`}${location.hash}`,
    );
  }, [team]);
  if (pages.load.kind === 'forbidden') return null;
  return (
    <Panel title="Open pages" id="pages" actions={<TeamChoice team={team} onChange={setTeam} />}>
      <LoadView load={pages.load} what="open pages" retry={pages.reload}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted" data-empty="pages">
              {team === '' ? 'No open pages' : `No open pages on ${team}'s services`}
            </p>
          ) : (
            <ul className="page-list">
              {list.map((page) => (
                <PageItem key={page.id} page={page} onChanged={pages.reload} />
              ))}
            </ul>
          )
        }
      </LoadView>
    </Panel>
  );
}

function TeamChoice(props: { readonly team: string; readonly onChange: (team: string) => void }) {
  const teams = useApi<Team[]>('/api/v1/teams');
  const id = useId();
  const names = teams.load.kind === 'ok' ? teams.load.data.map((team) => team.name) : [];
  if (props.team !== '' && !names.includes(props.team)) names.push(props.team);
  return (
    <span className="panel-filter">
      <label htmlFor={id}>Team</label>{' '}
      <select
        id={id}
        value={props.team}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
      >
        <option value="">All teams</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </span>
  );
}

/** One page with its escalation, warnings, runbooks and Acknowledge / Resolve. */
export function PageItem(props: { readonly page: AlertPage; readonly onChanged: () => void }) {
  const { page } = props;
  return (
    <li className="page-item" data-page={page.id}>
      <div className="page-heading">
        <strong data-field="summary">{page.summary}</strong>{' '}
        <span className={`badge page-severity severity-${page.severity}`} data-field="severity">
          <span aria-hidden="true">{SEVERITY_GLYPHS[page.severity]}</span> {page.severity}
        </span>{' '}
        <PageStatusBadge status={page.status} />
      </div>
      <dl className="facts">
        <div>
          <dt>Services</dt>
          <dd data-field="services">
            {page.services.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              page.services.map((service, index) => (
                <span key={service}>
                  {index === 0 ? null : ', '}
                  <a href={paths.service(service)}>{service}</a>
                </span>
              ))
            )}
          </dd>
        </div>
        <HeartbeatChecks page={page} />
        <div>
          <dt>Opened</dt>
          <dd data-field="opened-at">{formatInstant(page.openedAt)}</dd>
        </div>
        <div>
          <dt>Acknowledged by</dt>
          <dd data-field="acknowledged-by">
            {page.acknowledgedBy ?? <span className="muted">nobody yet</span>}
          </dd>
        </div>
        {page.escalation === null ? (
          <div>
            <dt>Escalation</dt>
            <dd data-field="escalation" className="muted">
              No escalation policy covers it
            </dd>
          </div>
        ) : (
          <>
            <div>
              <dt>Urgency</dt>
              <dd data-field="urgency">{urgencyText(page.escalation)}</dd>
            </div>
            <div>
              <dt>Notified</dt>
              <dd data-field="notified">{notifiedText(page.escalation)}</dd>
            </div>
            {heldText(page.escalation) === null ? null : (
              <div>
                <dt>Held for working hours</dt>
                <dd data-field="held">{heldText(page.escalation)}</dd>
              </div>
            )}
            {page.status === 'triggered' ? (
              <div>
                <dt>Next</dt>
                <dd data-field="next">{nextText(page.escalation)}</dd>
              </div>
            ) : null}
          </>
        )}
      </dl>
      {page.warnings.length === 0 ? null : (
        <div className="notice notice-warning" role="status" data-field="warnings">
          <strong>Paging warnings</strong>
          <ul>
            {page.warnings.map((warning) => (
              <li key={`${warning.at} ${warning.reason}`}>
                {formatInstant(warning.at)}: {warning.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {page.runbooks.length === 0 ? null : (
        <div className="page-runbooks">
          {page.runbooks.map((runbook) => (
            <RunbookFold key={runbook.name} runbook={runbook} />
          ))}
        </div>
      )}
      <PageActions page={page} onChanged={props.onChanged} />
    </li>
  );
}

/** The cron jobs whose checks' alerts are on the page, each a link to its check. */
function HeartbeatChecks({ page }: { readonly page: AlertPage }) {
  const checks = [
    ...new Set(
      page.alerts.flatMap((alert) =>
        alert.source === 'heartbeat' && alert.labels.heartbeat !== undefined
          ? [alert.labels.heartbeat]
          : [],
      ),
    ),
  ];
  if (checks.length === 0) return null;
  return (
    <div>
      <dt>Heartbeat {checks.length === 1 ? 'check' : 'checks'}</dt>
      <dd data-field="heartbeats">
        {checks.map((check, index) => (
          <span key={check}>
            {index === 0 ? null : ', '}
            <a href={paths.heartbeat(check)}>{check}</a>
          </span>
        ))}
      </dd>
    </div>
  );
}

type Action = 'acknowledge' | 'resolve';

function PageActions(props: { readonly page: AlertPage; readonly onChanged: () => void }) {
  const { page } = props;
  const [sending, setSending] = useState<Action | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  // A resolved page (on its own screen) has nothing left to act on.
  if (page.status === 'resolved') return null;
  const run = (action: Action) => {
    setSending(action);
    setError(undefined);
    apiPost<AlertPage>(`/api/v1/pages/${segment(page.id)}/${action}`, {}).then(
      () => {
        setSending(null);
        props.onChanged();
      },
      (failure: unknown) => {
        setSending(null);
        setError(problemErrors(failure, [], FORBIDDEN).form);
      },
    );
  };
  return (
    <div className="page-actions" data-form="page-actions">
      <div className="form-actions">
        {page.status === 'triggered' ? (
          <button
            type="button"
            className="button button-primary"
            disabled={sending !== null}
            onClick={() => {
              run('acknowledge');
            }}
          >
            Acknowledge<span className="visually-hidden"> {page.summary}</span>
          </button>
        ) : null}
        <button
          type="button"
          className="button"
          disabled={sending !== null}
          onClick={() => {
            run('resolve');
          }}
        >
          Resolve<span className="visually-hidden"> {page.summary}</span>
        </button>
      </div>
      <FormError message={error} />
    </div>
  );
}
