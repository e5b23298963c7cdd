// One page, at the address every notification about it links to: the page as the
// on-call screen shows it (escalation, warnings, runbooks, Acknowledge and Resolve),
// then each of its alerts with where it came from and what it said.
import type { AlertPage } from '../../api/types';
import { segment } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatInstant } from '../../format/time';
import { paths } from '../../router/routes';
import { Breadcrumb } from '../../ui/Breadcrumb';
import { LoadView } from '../../ui/LoadView';
import { PageStatusBadge } from '../../ui/PageStatusBadge';
import { Panel } from '../../ui/Panel';
import { useTitle } from '../../ui/use-title';
import { PageItem } from '../oncall/OpenPages';

type PageAlert = AlertPage['alerts'][number];

export function PageScreen({ id }: { readonly id: string }) {
  useTitle(`Page ${id}`);
  const page = useApi<AlertPage>(`/api/v1/pages/${segment(id)}`);
  return (
    <div className="screen">
      <Breadcrumb trail={[{ label: 'On call', href: paths.oncall() }, { label: 'page' }]} />
      <LoadView load={page.load} what={`page ${id}`} retry={page.reload}>
        {(found) => (
          <>
            <div className="screen-header">
              <div>
                <h1>
                  Page <code>{found.id}</code> <PageStatusBadge status={found.status} />
                </h1>
                {found.resolvedAt === null ? null : (
                  <p className="muted" data-field="resolved-at">
                    Resolved at {formatInstant(found.resolvedAt)}.
                  </p>
                )}
              </div>
            </div>
            <Panel title="Page" id="page">
              <ul className="page-list">
                <PageItem page={found} onChanged={page.reload} />
              </ul>
            </Panel>
            <Panel title={`Alerts (${String(found.alerts.length)})`} id="page-alerts">
              <ul className="page-list">
                {found.alerts.map((alert) => (
                  <AlertItem key={alert.id} alert={alert} />
                ))}
              </ul>
            </Panel>
          </>
        )}
      </LoadView>
    </div>
  );
}

function AlertItem({ alert }: { readonly alert: PageAlert }) {
  const { log, ...annotations } = alert.annotations;
  const shown = Object.entries(annotations);
  return (
    <li className="page-item" data-alert={alert.id}>
      <div className="page-heading">
        <strong data-field="summary">{alert.summary}</strong>{' '}
        <PageStatusBadge status={alert.status} />
      </div>
      <dl className="facts">
        <div>
          <dt>From</dt>
          <dd data-field="source">
            <AlertOrigin alert={alert} />
          </dd>
        </div>
        <div>
          <dt>Service</dt>
          <dd>
            {alert.service === null ? (
              <span className="muted">none</span>
            ) : (
              <a href={paths.service(alert.service)}>{alert.service}</a>
            )}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatInstant(alert.startsAt)}</dd>
        </div>
        <div>
          <dt>Resolved</dt>
          <dd>
            {alert.resolvedAt === null ? (
              <span className="muted">not yet</span>
            ) : (
              formatInstant(alert.resolvedAt)
            )}
          </dd>
        </div>
        <div>
          <dt>Triggers</dt>
          <dd>{alert.triggerCount}</dd>
        </div>
        {shown.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd data-annotation={key}>{value}</dd>
          </div>
        ))}
      </dl>
      {log === undefined ? null : (
        <>
          <p className="muted small">The end of the run&apos;s output:</p>
          <pre data-field="log">
            <code>{log}</code>
          </pre>
        </>
      )}
      {alert.links.length === 0 ? null : (
        <p className="small">
          {alert.links.map((link, index) => (
            <span key={link.href}>
              {index === 0 ? null : ' · '}
              <a href={link.href} rel="noreferrer noopener" target="_blank">
                {link.text ?? 'Link'}
              </a>
            </span>
          ))}
        </p>
      )}
    </li>
  );
}

/** Where the alert came from: its heartbeat check or SLO on their screens, else the sender. */
function AlertOrigin({ alert }: { readonly alert: PageAlert }) {
  const { heartbeat, slo } = alert.labels;
  if (alert.source === 'heartbeat' && heartbeat !== undefined)
    return (
      <>
        heartbeat check <a href={paths.heartbeat(heartbeat)}>{heartbeat}</a>
      </>
    );
  if (alert.source === 'burn-rate' && slo !== undefined)
    return (
      <>
        burn-rate alert of <a href={paths.slo(slo)}>{slo}</a>
      </>
    );
  return <>{alert.source}</>;
}
