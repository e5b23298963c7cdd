// What the incident record says: its times and durations, who holds each role and the
// hand-overs, the incident-response rotation, the runbooks, the status updates.
import type { AlertPage, Incident, Runbook } from '../../api/types';
import { segment } from '../../api/client';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { PageStatusBadge } from '../../ui/PageStatusBadge';
import { RunbookFold } from '../../ui/RunbookFold';
import { INCIDENT_ROLES, ROLE_LABELS, formatSeconds } from '../../format/incident';
import { formatInstant, formatInstantSeconds } from '../../format/time';
import { IncidentStatusBadge } from '../../ui/IncidentBadges';

export function IncidentTimes({ incident }: { readonly incident: Incident }) {
  const rows: readonly {
    label: string;
    field: string;
    at: string | null;
    since: number | null;
    sinceLabel: string;
  }[] = [
    {
      label: 'Impact started',
      field: 'started',
      at: incident.startedAt,
      since: null,
      sinceLabel: '',
    },
    {
      label: 'Detected',
      field: 'detected',
      at: incident.detectedAt,
      since: incident.timeToDetectSeconds,
      sinceLabel: 'to detect',
    },
    {
      label: 'Acknowledged',
      field: 'acknowledged',
      at: incident.acknowledgedAt,
      since: incident.timeToAcknowledgeSeconds,
      sinceLabel: 'to acknowledge',
    },
    {
      label: 'Mitigated',
      field: 'mitigated',
      at: incident.mitigatedAt,
      since: incident.timeToMitigateSeconds,
      sinceLabel: 'to mitigate',
    },
    {
      label: 'Resolved',
      field: 'resolved',
      at: incident.resolvedAt,
      since: incident.timeToResolveSeconds,
      sinceLabel: 'to resolve',
    },
  ];
  return (
    <>
      <table className="numbers-table times-table">
        <caption className="visually-hidden">Times, measured from the impact start</caption>
        <thead>
          <tr>
            <th scope="col">Moment</th>
            <th scope="col">When</th>
            <th scope="col" className="numeric">
              From the start
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.field} data-time={row.field}>
              <th scope="row">{row.label}</th>
              <td data-field="at">
                {row.at === null ? <span className="muted">not yet</span> : formatInstant(row.at)}
              </td>
              <td className="numeric" data-field="duration">
                {row.sinceLabel === ''
                  ? '—'
                  : row.since === null
                    ? 'not yet'
                    : `${formatSeconds(row.since)} ${row.sinceLabel}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Declared {formatInstant(incident.declaredAt)} by {incident.declaredBy}. Durations count from
        the impact start, not the declaration.
      </p>
    </>
  );
}

export function IncidentRoles({ incident }: { readonly incident: Incident }) {
  return (
    <>
      <dl className="facts roles">
        {INCIDENT_ROLES.map((role) => {
          const holder = incident.roles[role];
          return (
            <div key={role} data-role={role}>
              <dt>{ROLE_LABELS[role]}</dt>
              <dd>
                {holder === null ? (
                  <span className="muted">nobody</span>
                ) : (
                  <>
                    <span data-field="person">{holder.person}</span>{' '}
                    <span className="muted small">since {formatInstant(holder.since)}</span>
                  </>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
      {incident.roleHistory.length === 0 ? null : (
        <details className="hand-overs" open={incident.roleHistory.length > 1}>
          <summary>Hand-overs ({incident.roleHistory.length})</summary>
          <ol className="plain-list">
            {incident.roleHistory.map((change, index) => (
              <li key={index} data-hand-over={change.role}>
                <span className="muted">{formatInstantSeconds(change.at)}</span>{' '}
                {ROLE_LABELS[change.role]}: {change.from ?? 'nobody'} → {change.to ?? 'nobody'}{' '}
                <span className="muted">(by {change.by})</span>
              </li>
            ))}
          </ol>
        </details>
      )}
    </>
  );
}

/** The API's reason codes, as sentences (an unknown one is shown as it comes). */
const REASON_TEXT: Readonly<Record<string, string>> = {
  'critical-service': 'a critical-tier service is impacted',
  'several-teams': 'services of more than one team are impacted',
  severity: 'its severity calls the rotation in',
};

export function IncidentResponse({ incident }: { readonly incident: Incident }) {
  const response = incident.incidentResponse;
  if (response.reasons.length === 0) {
    return (
      <p className="muted" data-field="incident-response">
        Not needed: no critical-tier service, one team, and a severity that does not call the
        rotation in.
      </p>
    );
  }
  return (
    <div data-field="incident-response">
      <p>The incident-response rotation is needed:</p>
      <ul>
        {response.reasons.map((reason) => (
          <li key={reason} data-reason={reason}>
            {REASON_TEXT[reason] ?? reason}
          </li>
        ))}
      </ul>
      <p>
        {response.page === null ? (
          response.schedule === null ? (
            <>
              Not paged: no incident-response schedule is configured (<code>IncidentSettings</code>{' '}
              or an <code>EscalationPolicy</code>).
            </>
          ) : (
            <>
              Not paged yet; schedule <code>{response.schedule}</code>.
            </>
          )
        ) : (
          <>
            Paged <code>{response.schedule ?? 'the rotation'}</code> with page{' '}
            <code data-field="response-page">{response.page}</code>.
          </>
        )}
      </p>
    </div>
  );
}

/**
 * The incident's runbooks, each folded open in place with its Markdown as on the on-call
 * screen's pages (GET /api/v1/runbooks gives the text); a title only while that loads or
 * when the token may not read it.
 */
export function IncidentRunbooks({ incident }: { readonly incident: Incident }) {
  const texts = useApi<Runbook[]>('/api/v1/runbooks');
  if (incident.runbooks.length === 0) {
    return (
      <p className="muted">
        No runbook for these services: add a <code>Runbook</code> document to your config.
      </p>
    );
  }
  const byName = new Map(
    texts.load.kind === 'ok' ? texts.load.data.map((runbook) => [runbook.name, runbook]) : [],
  );
  return (
    <ul className="plain-list">
      {incident.runbooks.map((runbook) => {
        const note = (
          <>
            {' '}
            <code>{runbook.name}</code>
            {runbook.service === null ? null : <span className="muted"> ({runbook.service})</span>}
          </>
        );
        const found = byName.get(runbook.name);
        return (
          <li key={runbook.name}>
            {found === undefined ? (
              <span data-runbook={runbook.name}>
                <strong>{runbook.title}</strong>
                {note}
              </span>
            ) : (
              <RunbookFold runbook={{ ...found, title: runbook.title }} note={note} />
            )}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The pages linked to the incident by id, each with its summary and status read from
 * GET /api/v1/pages/<id>. The UI has no screen of one page: an open page links to the
 * on-call screen, where open pages are listed and acknowledged.
 */
export function LinkedPages({ pages }: { readonly pages: readonly string[] }) {
  return (
    <ul className="plain-list linked-pages" data-field="pages">
      {pages.map((id) => (
        <LinkedPage key={id} id={id} />
      ))}
    </ul>
  );
}

function LinkedPage({ id }: { readonly id: string }) {
  const page = useApi<AlertPage>(`/api/v1/pages/${segment(id)}`);
  const found = page.load.kind === 'ok' ? page.load.data : null;
  return (
    <li data-page={id}>
      <code>{id}</code>
      {found === null ? null : (
        <>
          {' '}
          {found.status === 'resolved' ? (
            <span data-field="summary">{found.summary}</span>
          ) : (
            <a href={paths.oncall()} data-field="summary" title="Open pages, on the on-call screen">
              {found.summary}
            </a>
          )}{' '}
          <PageStatusBadge status={found.status} />
        </>
      )}
    </li>
  );
}

export function StatusUpdates({ incident }: { readonly incident: Incident }) {
  const updates = [...incident.updates].reverse();
  if (updates.length === 0) return <p className="muted">No status updates yet.</p>;
  return (
    <ol className="plain-list updates">
      {updates.map((update, index) => (
        <li key={index} data-update={index}>
          <span className="muted">{formatInstantSeconds(update.at)}</span>{' '}
          <IncidentStatusBadge status={update.status} />
          {update.statusChanged ? null : <span className="muted small"> (no change)</span>}{' '}
          {update.message ?? ''} <span className="muted">— {update.by}</span>
        </li>
      ))}
    </ol>
  );
}
