// The reliability report of a team for a period: the form (team, from, to: the last 30
// days by default) lives in the address's query, so a reload or a shared link shows the
// same report. The same report downloads as Markdown or HTML.
import { useEffect, useId, useState, type SubmitEvent } from 'react';
import type { ReliabilityReport, Team } from '../../api/types';
import { useApi } from '../../api/use-api';
import { paths } from '../../router/routes';
import { EmptyState } from '../../ui/EmptyState';
import { FieldError, FormError } from '../../ui/FieldError';
import { LoadView } from '../../ui/LoadView';
import { useTitle } from '../../ui/use-title';
import { downloadReport } from './download';
import { ReportView } from './ReportView';

/** Dates are whole UTC days, `to` included. */
interface Filters {
  readonly team: string;
  readonly from: string;
  readonly to: string;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function defaults(): Filters {
  const today = Date.now();
  return { team: '', from: dateOf(today - 29 * DAY_MS), to: dateOf(today) };
}

function filtersOf(search: string): Filters {
  const params = new URLSearchParams(search);
  const fallback = defaults();
  const date = (name: 'from' | 'to') => {
    const value = params.get(name) ?? '';
    return DATE.test(value) ? value : fallback[name];
  };
  return { team: params.get('team') ?? '', from: date('from'), to: date('to') };
}

const screenQuery = (filters: Filters) => new URLSearchParams({ ...filters }).toString();

/** The API's query: from the first day's start to the last day's end, in UTC. */
function apiQuery(filters: Filters): string {
  const end = dateOf(Date.parse(`${filters.to}T00:00:00Z`) + DAY_MS);
  return new URLSearchParams({
    team: filters.team,
    from: `${filters.from}T00:00:00Z`,
    to: `${end}T00:00:00Z`,
  }).toString();
}

type DateErrors = Partial<Record<'from' | 'to', string>>;

function dateErrors(filters: Filters): DateErrors {
  const errors: DateErrors = {};
  if (!DATE.test(filters.from)) errors.from = 'Give the first day.';
  if (!DATE.test(filters.to)) errors.to = 'Give the last day.';
  else if (DATE.test(filters.from) && filters.to < filters.from)
    errors.to = 'The last day is before the first.';
  return errors;
}

export function ReportsScreen() {
  useTitle('Reports');
  const teams = useApi<Team[]>('/api/v1/teams');
  const [shown, setShown] = useState<Filters>(() => filtersOf(location.search));
  const [draft, setDraft] = useState<Filters>(shown);
  const [errors, setErrors] = useState<DateErrors>({});
  // Without a team in the address, the first team's report.
  const firstTeam = teams.load.kind === 'ok' ? (teams.load.data[0]?.name ?? '') : '';
  if (shown.team === '' && firstTeam !== '') {
    setShown({ ...shown, team: firstTeam });
    setDraft({ ...draft, team: draft.team === '' ? firstTeam : draft.team });
  }
  const ready = shown.team !== '';
  const report = useApi<ReliabilityReport>(
    ready ? `/api/v1/reports/reliability?${apiQuery(shown)}` : null,
  );
  const query = ready ? screenQuery(shown) : '';
  useEffect(() => {
    // Replaced, not pushed: back leaves the screen.
    if (query !== '' && location.pathname === paths.reports())
      history.replaceState(null, '', paths.reports(query));
  }, [query]);

  const id = useId();
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const found = dateErrors(draft);
    setErrors(found);
    if (Object.keys(found).length === 0 && draft.team !== '') setShown(draft);
  };
  const set = (field: keyof Filters) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setDraft((current) => ({ ...current, [field]: value }));
  };
  const teamNames = teams.load.kind === 'ok' ? teams.load.data.map((team) => team.name) : [];
  if (draft.team !== '' && !teamNames.includes(draft.team)) teamNames.push(draft.team);

  return (
    <div className="screen">
      <div className="screen-header">
        <div>
          <h1>Reports</h1>
          <p className="muted">
            A team&apos;s reliability over a period: SLOs, burn alerts, incidents, postmortems,
            changes, toil and on-call load. Days are UTC, the last one included.
          </p>
        </div>
      </div>
      <form className="filters" aria-label="Choose the report" onSubmit={submit} noValidate>
        <div className="form-field">
          <label htmlFor={`${id}-team`}>Team</label>
          <select id={`${id}-team`} value={draft.team} onChange={set('team')}>
            {teamNames.length === 0 ? <option value="">No team</option> : null}
            {teamNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-from`}>From (UTC)</label>
          <input
            id={`${id}-from`}
            type="date"
            value={draft.from}
            onChange={set('from')}
            aria-invalid={errors.from === undefined ? undefined : true}
            aria-describedby={`${id}-from-error`}
          />
          <FieldError id={`${id}-from-error`} field="from" message={errors.from} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-to`}>To (UTC, included)</label>
          <input
            id={`${id}-to`}
            type="date"
            value={draft.to}
            onChange={set('to')}
            aria-invalid={errors.to === undefined ? undefined : true}
            aria-describedby={`${id}-to-error`}
          />
          <FieldError id={`${id}-to-error`} field="to" message={errors.to} />
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={draft.team === ''}>
            Show report
          </button>
        </div>
      </form>
      <LoadView load={teams.load} what="teams" retry={teams.reload}>
        {(list) =>
          list.length === 0 && shown.team === '' ? (
            <EmptyState title="No teams yet">
              <p>
                Reports are per team: apply a <code>Team</code> and services it owns with{' '}
                <code>headroom apply -f</code>.
              </p>
            </EmptyState>
          ) : null
        }
      </LoadView>
      {ready ? (
        <>
          <Downloads query={apiQuery(shown)} filters={shown} />
          <LoadView load={report.load} what="the report" retry={report.reload}>
            {(answer) => <ReportView report={answer} />}
          </LoadView>
          {report.load.kind === 'forbidden' ? (
            <p className="muted">This token may not read this team&apos;s report.</p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function Downloads(props: { readonly query: string; readonly filters: Filters }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const { team, from, to } = props.filters;
  const get = (format: 'markdown' | 'html', extension: string) => () => {
    setBusy(format);
    setError(undefined);
    downloadReport(
      `/api/v1/reports/reliability?${props.query}&format=${format}`,
      `reliability-${team}-${from}-${to}.${extension}`,
    ).then(
      () => {
        setBusy(null);
      },
      (failure: unknown) => {
        setBusy(null);
        setError(
          `Could not download the report: ${failure instanceof Error ? failure.message : String(failure)}`,
        );
      },
    );
  };
  return (
    <div className="report-downloads" data-downloads="">
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={get('markdown', 'md')}
        >
          Download Markdown
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={get('html', 'html')}
        >
          Download HTML
        </button>
        <span role="status" className="form-status">
          {busy === null ? '' : `Preparing the ${busy === 'html' ? 'HTML' : 'Markdown'} file…`}
        </span>
      </div>
      <FormError message={error} />
    </div>
  );
}
