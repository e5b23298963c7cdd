// Declare an incident: title, severity, the services it touches, a summary, and when
// the impact began if before now. Mistakes are told next to their field, the server's
// too; once declared, the incident's own screen opens.
import { useId, useState, type SubmitEvent } from 'react';
import type { DeclareIncidentInput, Incident, Service } from '../../api/types';
import { apiPost } from '../../api/client';
import { problemErrors, type FormErrors } from '../../api/problem-errors';
import { wallClockToInstant } from '../../format/time';
import { navigate, paths } from '../../router/router';
import { FieldError, FormError } from '../../ui/FieldError';

type Field = 'title' | 'severity' | 'services' | 'summary' | 'startedAt';
const FIELDS: readonly Field[] = ['title', 'severity', 'services', 'summary', 'startedAt'];

export interface SeverityOption {
  readonly name: string;
  /** What it means, when the API told (an incident carries its severity's meaning). */
  readonly meaning: string | null;
}

export function DeclareForm(props: {
  readonly services: readonly Service[];
  readonly severities: readonly SeverityOption[];
  readonly onCancel: () => void;
}) {
  const id = useId();
  const [title, setTitle] = useState('');
  // No severity is chosen for the person: the first is the most severe, and it may page
  // the incident-response rotation.
  const [severity, setSeverity] = useState('');
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [summary, setSummary] = useState('');
  const [startedAt, setStartedAt] = useState('');
  const [errors, setErrors] = useState<FormErrors<Field>>({});
  const [sending, setSending] = useState(false);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const found: FormErrors<Field> = {};
    if (title.trim() === '') found.title = 'Give the incident a title: what is broken, for whom.';
    if (severity === '') {
      found.severity = 'Choose a severity: how bad is the impact? The help under each level says.';
    }
    if (chosen.length === 0) found.services = 'Choose at least one impacted service.';
    const started = startedAt === '' ? null : wallClockToInstant(startedAt, 'UTC');
    if (startedAt !== '' && started === null) found.startedAt = 'Give a date and time, or none.';
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    const body: DeclareIncidentInput = {
      title: title.trim(),
      severity,
      services: [...chosen],
      ...(summary.trim() === '' ? {} : { summary: summary.trim() }),
      ...(started === null ? {} : { startedAt: started }),
    };
    setErrors({});
    setSending(true);
    apiPost<Incident>('/api/v1/incidents', body).then(
      (incident) => {
        navigate(paths.incident(incident.id));
      },
      (error: unknown) => {
        setSending(false);
        setErrors(
          problemErrors(
            error,
            FIELDS,
            'This token may not declare incidents: a viewer only reads.',
          ),
        );
      },
    );
  };

  /** A field's message goes once the field is changed. */
  const fixed = (field: Field) => {
    setErrors((current) =>
      current[field] === undefined ? current : { ...current, [field]: undefined },
    );
  };

  const meaning = props.severities.find((option) => option.name === severity)?.meaning ?? null;
  const described = (field: Field, extra = '') =>
    `${id}-${field}-error${extra === '' ? '' : ` ${extra}`}`;

  return (
    <form
      className="incident-form declare-form"
      onSubmit={submit}
      noValidate
      aria-labelledby={`${id}-title`}
      data-form="declare"
    >
      <h2 id={`${id}-title`}>Declare an incident</h2>
      <div className="form-grid">
        <div className="form-field form-field-wide">
          <label htmlFor={`${id}-name`}>Title</label>
          <input
            id={`${id}-name`}
            type="text"
            value={title}
            placeholder="Checkout failing payments"
            autoFocus
            onChange={(event) => {
              setTitle(event.target.value);
              fixed('title');
            }}
            aria-invalid={errors.title !== undefined}
            aria-describedby={described('title')}
          />
          <FieldError id={`${id}-title-error`} field="title" message={errors.title} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-severity`}>Severity</label>
          <select
            id={`${id}-severity`}
            value={severity}
            onChange={(event) => {
              setSeverity(event.target.value);
              fixed('severity');
            }}
            required
            aria-invalid={errors.severity !== undefined}
            aria-describedby={described('severity', `${id}-severity-help`)}
          >
            <option value="" disabled>
              Choose a severity…
            </option>
            {props.severities.map((option) => (
              <option key={option.name} value={option.name}>
                {option.name}
              </option>
            ))}
          </select>
          <p className="help" id={`${id}-severity-help`}>
            {meaning ??
              `${severityScale(props.severities)}: the scale is your IncidentSettings (SEV1 to SEV4 without one).`}
          </p>
          <FieldError id={`${id}-severity-error`} field="severity" message={errors.severity} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-started`}>Impact started (UTC, optional)</label>
          <input
            id={`${id}-started`}
            type="datetime-local"
            value={startedAt}
            onChange={(event) => {
              setStartedAt(event.target.value);
              fixed('startedAt');
            }}
            aria-invalid={errors.startedAt !== undefined}
            aria-describedby={described('startedAt', `${id}-started-help`)}
          />
          <p className="help" id={`${id}-started-help`}>
            Leave empty when the impact began now.
          </p>
          <FieldError id={`${id}-startedAt-error`} field="startedAt" message={errors.startedAt} />
        </div>
      </div>
      <fieldset
        className="checkbox-group"
        aria-invalid={errors.services !== undefined}
        aria-describedby={described('services')}
      >
        <legend>Impacted services</legend>
        {props.services.length === 0 ? (
          <p className="muted">No services yet: apply your config first.</p>
        ) : (
          props.services.map((service) => {
            const name = service.metadata.name;
            return (
              <label key={name} className="checkbox">
                <input
                  type="checkbox"
                  name="services"
                  value={name}
                  checked={chosen.includes(name)}
                  onChange={(event) => {
                    const checked = event.target.checked;
                    fixed('services');
                    setChosen((current) =>
                      checked ? [...current, name] : current.filter((item) => item !== name),
                    );
                  }}
                />{' '}
                {name} <span className="muted">({service.spec.team})</span>
              </label>
            );
          })
        )}
      </fieldset>
      <FieldError id={`${id}-services-error`} field="services" message={errors.services} />
      <div className="form-field">
        <label htmlFor={`${id}-summary`}>Summary (optional)</label>
        <textarea
          id={`${id}-summary`}
          rows={3}
          value={summary}
          onChange={(event) => {
            setSummary(event.target.value);
            fixed('summary');
          }}
          aria-invalid={errors.summary !== undefined}
          aria-describedby={described('summary')}
        />
        <FieldError id={`${id}-summary-error`} field="summary" message={errors.summary} />
      </div>
      <FormError message={errors.form} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={sending}>
          {sending ? 'Declaring…' : 'Declare'}
        </button>
        <button type="button" className="button button-quiet" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** "SEV1 (most severe) to SEV4": the order of the scale, before one is chosen. */
function severityScale(severities: readonly SeverityOption[]): string {
  const first = severities[0]?.name;
  const last = severities.at(-1)?.name;
  if (first === undefined || last === undefined) return 'No severity scale';
  return first === last ? first : `${first} (most severe) to ${last}`;
}
