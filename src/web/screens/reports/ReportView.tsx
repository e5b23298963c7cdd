// The reliability report as the API gives it (JSON), drawn with the UI's own parts:
// per service its SLOs, burn alerts, incidents, postmortems and changes; for the team,
// toil against its cap and what on-call cost each person.
import type { CSSProperties } from 'react';
import type { ReliabilityReport, ReportOnCall, ReportService, ReportToil } from '../../api/types';
import { formatSeconds } from '../../format/incident';
import {
  formatBudget,
  formatCount,
  formatHours,
  formatObjective,
  formatPercent,
  formatSli,
  NO_EVENTS_TEXT,
} from '../../format/numbers';
import { formatInstant } from '../../format/time';
import { paths } from '../../router/routes';
import { BudgetBar } from '../../ui/BudgetBar';
import { Panel } from '../../ui/Panel';

const iso = (ms: number) => new Date(ms).toISOString();
const duration = (ms: number | null) => (ms === null ? NO_EVENTS_TEXT : formatSeconds(ms / 1000));

export function ReportView({ report }: { readonly report: ReliabilityReport }) {
  return (
    <div className="report" data-report={report.team}>
      <p className="muted" data-field="period">
        Team <strong>{report.team}</strong>, from {formatInstant(iso(report.period.fromMs))} to{' '}
        {formatInstant(iso(report.period.toMs))}; read at {formatInstant(iso(report.generatedAt))}.
      </p>
      {report.services.length === 0 ? (
        <p className="muted">The team owns no services.</p>
      ) : (
        report.services.map((service) => (
          <ServiceReport
            key={service.service}
            service={service}
            overdueAsOf={Math.min(report.period.toMs, report.generatedAt)}
          />
        ))
      )}
      <div className="panel-row">
        <Panel title="Toil" id="toil">
          {report.toil === null ? (
            <p className="muted">No toil figures for this team.</p>
          ) : (
            <Toil toil={report.toil} team={report.team} />
          )}
        </Panel>
        <Panel title="On-call load" id="oncall-load">
          {report.onCall === null ? (
            <p className="muted">No on-call figures for this team.</p>
          ) : (
            <OnCall load={report.onCall} team={report.team} />
          )}
        </Panel>
      </div>
    </div>
  );
}

const COMPLIANCE = {
  met: { glyph: '✓', state: 'ok', text: 'met' },
  missed: { glyph: '✕', state: 'exhausted', text: 'missed' },
  'no-data': { glyph: '?', state: 'unknown', text: 'no data' },
} as const;

function ServiceReport({
  service,
  overdueAsOf,
}: {
  readonly service: ReportService;
  /** Overdue means open and past due at the period's end, or now before it ends. */
  readonly overdueAsOf: number;
}) {
  const { incidents, postmortems, changes } = service;
  const alerts = service.burnAlerts.filter((alert) => alert.count > 0);
  return (
    <section
      className="panel report-service"
      aria-labelledby={`report-${service.service}`}
      data-service={service.service}
    >
      <header className="panel-header">
        <h2 id={`report-${service.service}`}>
          <a href={paths.service(service.service)}>{service.service}</a>
        </h2>
      </header>
      {service.slos.length === 0 ? (
        <p className="muted">No SLOs.</p>
      ) : (
        <div className="table-scroll">
          <table className="report-slos">
            <caption className="visually-hidden">SLOs of {service.service} over the period</caption>
            <thead>
              <tr>
                <th scope="col">SLO</th>
                <th scope="col" className="numeric">
                  Objective
                </th>
                <th scope="col" className="numeric">
                  SLI over the period
                </th>
                <th scope="col">Compliance</th>
                <th scope="col">Budget left at the end</th>
                <th scope="col" className="numeric">
                  Spent in the period
                </th>
              </tr>
            </thead>
            <tbody>
              {service.slos.map((slo) => {
                const compliance = COMPLIANCE[slo.compliance];
                return (
                  <tr key={slo.name} data-slo={slo.name}>
                    <th scope="row">
                      <a href={paths.slo(slo.name)}>{slo.name}</a>
                    </th>
                    <td className="numeric" data-field="objective">
                      {formatObjective(slo.objective)}
                    </td>
                    <td className="numeric" data-field="sli">
                      {formatSli(slo.sli)}
                      {slo.sliBasis === 'window' && slo.sli !== null ? (
                        <abbr title="Read from Prometheus: the SLO's own window at the period's end, not the period">
                          {' '}
                          (window)
                        </abbr>
                      ) : null}
                    </td>
                    <td>
                      <span
                        className={`badge compliance state-${compliance.state}`}
                        data-field="compliance"
                        data-compliance={slo.compliance}
                      >
                        <span aria-hidden="true">{compliance.glyph}</span> {compliance.text}
                      </span>
                    </td>
                    <td>
                      {slo.budgetRemaining === null ? (
                        <span className="muted">{NO_EVENTS_TEXT}</span>
                      ) : (
                        <BudgetBar
                          remaining={slo.budgetRemaining}
                          state={slo.budgetRemaining <= 0 ? 'exhausted' : 'ok'}
                        />
                      )}
                    </td>
                    <td className="numeric" data-field="budget-spent">
                      {slo.budgetSpent === null ? '—' : formatBudget(slo.budgetSpent)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="report-figures">
        <dl className="facts">
          <div>
            <dt>Burn alerts</dt>
            <dd data-field="burn-alerts">
              {alerts.length === 0
                ? 'none'
                : alerts.map((alert) => `${alert.severity} ${formatCount(alert.count)}`).join(', ')}
            </dd>
          </div>
          <div>
            <dt>Incidents</dt>
            <dd>
              <span data-field="incidents-count">{formatCount(incidents.count)}</span>
              {incidents.open > 0 ? (
                <span data-field="incidents-open"> ({formatCount(incidents.open)} open)</span>
              ) : null}
            </dd>
          </div>
          <div>
            <dt>MTTA</dt>
            <dd data-field="mtta">{duration(incidents.mttaMs)}</dd>
          </div>
          <div>
            <dt>MTTR</dt>
            <dd data-field="mttr">{duration(incidents.mttrMs)}</dd>
          </div>
        </dl>
        <dl className="facts">
          <div>
            <dt>Postmortems published</dt>
            <dd data-field="postmortems-published">{formatCount(postmortems.published)}</dd>
          </div>
          <div>
            <dt>In progress</dt>
            <dd data-field="postmortems-in-progress">{formatCount(postmortems.inProgress)}</dd>
          </div>
          <div>
            <dt>Missing (SEV1–SEV2)</dt>
            <dd data-field="postmortems-missing">
              {postmortems.missing.length === 0
                ? 'none'
                : postmortems.missing.map((incident, index) => (
                    <span key={incident}>
                      {index === 0 ? '' : ', '}
                      <IncidentLink id={incident} />
                    </span>
                  ))}
            </dd>
          </div>
        </dl>
        <dl className="facts">
          <div>
            <dt>Deploys</dt>
            <dd data-field="deploys">{formatCount(changes.deploys)}</dd>
          </div>
          <div>
            <dt>Change failure rate</dt>
            <dd data-field="change-failure-rate">
              {changes.changeFailureRate === null
                ? NO_EVENTS_TEXT
                : `${formatPercent(changes.changeFailureRate)} (${formatCount(changes.failedDeploys)} failed)`}
            </dd>
          </div>
          <div>
            <dt>Failed to deploy</dt>
            <dd data-field="failed-to-deploy">{formatCount(changes.failedToDeploy)}</dd>
          </div>
          <div>
            <dt>Gate denials</dt>
            <dd data-field="gate-denials">{formatCount(changes.gateDenials)}</dd>
          </div>
        </dl>
      </div>
      {postmortems.overdueActionItems.length === 0 ? null : (
        <>
          <h3>Overdue action items at {formatInstant(iso(overdueAsOf))}</h3>
          <ul className="plain-list" data-field="overdue-items">
            {postmortems.overdueActionItems.map((item) => (
              <li key={item.id} data-item={item.id}>
                <span className="badge overdue">overdue</span> {item.title}: {item.owner}, due{' '}
                {formatInstant(iso(item.dueAt))} (<IncidentLink id={item.incidentId} />)
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** An incident's id as the report gives it ("42"), as a link to its screen. */
function IncidentLink({ id }: { readonly id: string }) {
  const number = /^(?:INC-)?(\d+)$/i.exec(id)?.[1];
  if (number === undefined) return <>{id}</>;
  return <a href={paths.incident(Number(number))}>INC-{number}</a>;
}

const CAP_GLYPHS = { 'no-data': '○', exhausted: '✕', ok: '✓' } as const;

/** Over or within the cap; neither without working time, where there is no share to hold. */
function CapBadge({ toil }: { readonly toil: ReportToil }) {
  const state = toil.share === null ? 'no-data' : toil.overCap ? 'exhausted' : 'ok';
  const capText = `the ${toil.capSource === 'team' ? "team's " : ''}${formatCount(toil.capPercent)}% cap`;
  return (
    <span className={`badge state-${state} cap-state`} data-field="over-cap">
      <span aria-hidden="true">{CAP_GLYPHS[state]}</span>{' '}
      {state === 'no-data'
        ? `nothing to hold against ${capText}`
        : `${toil.overCap ? 'over' : 'within'} ${capText}`}
    </span>
  );
}

function Toil({ toil, team }: { readonly toil: ReportToil; readonly team: string }) {
  const cap = toil.capPercent;
  const style = {
    '--fill': `${String(Math.min(100, (toil.share ?? 0) * 100))}%`,
    '--cap': `${String(Math.min(100, cap))}%`,
  } as CSSProperties;
  const share = toil.share === null ? null : formatPercent(toil.share);
  return (
    <>
      <p>
        <strong data-field="toil-hours">{formatHours(toil.toilMinutes)}</strong> of toil in{' '}
        {formatHours(toil.workingMinutes)} working time:{' '}
        <strong data-field="toil-share">{share ?? 'no working time'}</strong>{' '}
        <CapBadge toil={toil} />
      </p>
      <div className="cap-bar-wrap">
        <span
          className={`cap-bar ${toil.overCap ? 'state-exhausted' : 'state-ok'}`}
          style={style}
          role="meter"
          aria-label="Toil of working time"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round((toil.share ?? 0) * 1000) / 10}
          aria-valuetext={`${share ?? 'no working time'}, cap ${formatCount(cap)}%`}
          data-cap-bar=""
        >
          <span className="cap-marker" aria-hidden="true" />
        </span>
        <span className="cap-label muted small" style={style} aria-hidden="true">
          cap {formatCount(cap)}%
        </span>
      </div>
      {toil.people.every((person) => person.workingMinutes === null) ? (
        <p className="muted small" data-field="no-members">
          Team {team} has no members, so there is no working time to hold its toil against: add the
          team to its people&apos;s teams (<code>PUT /api/v1/users/&#123;name&#125;</code>).
        </p>
      ) : toil.workingToMs < toil.toMs ? (
        <p className="muted small" data-field="working-to">
          The period is not over: working time is counted to {formatInstant(iso(toil.workingToMs))}.
        </p>
      ) : null}
      {toil.warning === null ? null : <p className="notice notice-warning">{toil.warning}</p>}
      {toil.byCategory.length === 0 ? null : (
        <p className="small">
          By category:{' '}
          {toil.byCategory
            .map(
              (slice) =>
                `${slice.key} ${formatHours(slice.minutes)} (${formatPercent(slice.share)})`,
            )
            .join(', ')}
        </p>
      )}
      {toil.people.length === 0 ? null : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Toil per person</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col" className="numeric">
                  Toil
                </th>
                <th scope="col" className="numeric">
                  Of working time
                </th>
              </tr>
            </thead>
            <tbody>
              {toil.people.map((person) => (
                <tr key={person.person} data-person={person.person}>
                  <th scope="row">{person.person}</th>
                  <td className="numeric" data-field="toil-hours">
                    {formatHours(person.toilMinutes)}
                  </td>
                  <td className="numeric">
                    {person.share === null ? NO_EVENTS_TEXT : formatPercent(person.share)}
                    {person.overCap ? <span className="badge overdue">✕ over cap</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function OnCall({ load, team }: { readonly load: ReportOnCall; readonly team: string }) {
  return (
    <>
      <p>
        <strong data-field="pages">{formatCount(load.pagesReceived)}</strong> pages,{' '}
        <span data-field="out-of-hours">{formatCount(load.outOfHoursPages)}</span> out of hours,{' '}
        <span data-field="nights">{formatCount(load.nightsInterrupted)}</span> nights interrupted,{' '}
        <span data-field="noise">{formatCount(load.noisePages)}</span> noise
        {load.noiseShare === null ? '' : ` (${formatPercent(load.noiseShare)})`}.
      </p>
      <p className="small">
        <span data-field="pages-opened">{formatCount(load.pagesOpened)}</span> opened for the
        team&apos;s services
        {load.pagesReachingNoOne === 0 ? (
          '.'
        ) : (
          <>
            ,{' '}
            <strong className="overdue" data-field="pages-reaching-no-one">
              {formatCount(load.pagesReachingNoOne)} reaching none of its people
            </strong>{' '}
            (no address, nobody of the team on the rota, or escalated to others): not counted above.
          </>
        )}
      </p>
      {load.people.length === 0 ? (
        <p className="muted" data-field="no-members">
          Team {team} has no members. A page counts here for the people of the team it was e-mailed
          to: users in the team with an address (<code>PUT /api/v1/users/&#123;name&#125;</code>).
        </p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">On-call load per person</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col" className="numeric">
                  Pages
                </th>
                <th scope="col" className="numeric">
                  Out of hours
                </th>
                <th scope="col" className="numeric">
                  Nights interrupted
                </th>
                <th scope="col" className="numeric">
                  Noise
                </th>
              </tr>
            </thead>
            <tbody>
              {load.people.map((person) => (
                <tr key={person.person} data-person={person.person}>
                  <th scope="row">
                    {person.person} <span className="muted small">{person.timeZone}</span>
                  </th>
                  <td className="numeric" data-field="pages">
                    {formatCount(person.pagesReceived)}
                  </td>
                  <td className="numeric" data-field="out-of-hours">
                    {formatCount(person.outOfHoursPages)}
                  </td>
                  <td className="numeric" data-field="nights">
                    {formatCount(person.nightsInterrupted)}
                  </td>
                  <td className="numeric" data-field="noise">
                    {formatCount(person.noisePages)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
