// Add an override: someone covers part of the schedule. Times are read in the
// schedule's zone; mistakes are shown next to their field, the server's too.
import { useId, useState, type SubmitEvent } from 'react';
import type { OverrideInput, ScheduleSummary } from '../../api/types';
import { ApiError, apiPost, segment } from '../../api/client';
import { formatInZone, wallClockToInstant } from '../../format/time';

type Field = 'user' | 'start' | 'end' | 'reason';
const FIELDS: readonly Field[] = ['user', 'start', 'end', 'reason'];
type Errors = Partial<Record<Field | 'form', string>>;
type Values = Record<Field, string>;

const EMPTY: Values = { user: '', start: '', end: '', reason: '' };

export function OverrideForm(props: {
  readonly schedule: ScheduleSummary;
  readonly onAdded: () => void;
}) {
  const { schedule } = props;
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [sending, setSending] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const id = useId();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setAdded(null);
    const checked = checkValues(values, schedule.timeZone);
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setSending(true);
    apiPost(`/api/v1/schedules/${segment(schedule.name)}/overrides`, checked.body).then(
      () => {
        setSending(false);
        setValues(EMPTY);
        setAdded(
          `Added: ${checked.body.user} covers ${formatInZone(checked.body.start, schedule.timeZone)} – ${formatInZone(checked.body.end, schedule.timeZone)}.`,
        );
        props.onAdded();
      },
      (error: unknown) => {
        setSending(false);
        setErrors(errorsOf(error));
      },
    );
  };

  const field = (name: Field) => ({
    id: `${id}-${name}`,
    name,
    value: values[name],
    onChange: (event: { target: { value: string } }) => {
      setValues((current) => ({ ...current, [name]: event.target.value }));
    },
    'aria-invalid': errors[name] !== undefined,
    'aria-describedby': `${id}-${name}-error`,
  });
  const members = membersOf(schedule.document);

  return (
    <form className="override-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add an override</h3>
      <div className="form-grid">
        <div className="form-field">
          <label htmlFor={`${id}-user`}>Who covers</label>
          <input {...field('user')} type="text" list={`${id}-members`} autoComplete="off" />
          <datalist id={`${id}-members`}>
            {members.map((member) => (
              <option key={member} value={member} />
            ))}
          </datalist>
          <FieldError id={`${id}-user-error`} field="user" message={errors.user} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-start`}>From ({schedule.timeZone})</label>
          <input {...field('start')} type="datetime-local" />
          <FieldError id={`${id}-start-error`} field="start" message={errors.start} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-end`}>Until ({schedule.timeZone})</label>
          <input {...field('end')} type="datetime-local" />
          <FieldError id={`${id}-end-error`} field="end" message={errors.end} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-reason`}>Reason (optional)</label>
          <input {...field('reason')} type="text" />
          <FieldError id={`${id}-reason-error`} field="reason" message={errors.reason} />
        </div>
      </div>
      {errors.form === undefined ? null : (
        <p className="field-error" role="alert" data-field-error="form">
          {errors.form}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={sending}>
          {sending ? 'Adding…' : 'Add override'}
        </button>
        <span role="status" className="form-status">
          {added}
        </span>
      </div>
    </form>
  );
}

function FieldError(props: {
  readonly id: string;
  readonly field: Field;
  readonly message: string | undefined;
}) {
  const { id, field, message } = props;
  return (
    <p className="field-error" id={id} data-field-error={field}>
      {message ?? ''}
    </p>
  );
}

type Checked =
  { readonly body: OverrideInput & { start: string; end: string } } | { readonly errors: Errors };

/** What can be told before asking the server; the server checks everything again. */
function checkValues(values: Values, timeZone: string): Checked {
  const errors: Errors = {};
  const user = values.user.trim();
  if (user === '') errors.user = 'Who covers? Enter their user name.';
  const start = values.start === '' ? null : wallClockToInstant(values.start, timeZone);
  const end = values.end === '' ? null : wallClockToInstant(values.end, timeZone);
  if (start === null) errors.start = 'Give the date and time the override starts.';
  if (end === null) errors.end = 'Give the date and time the override ends.';
  if (start !== null && end !== null && Date.parse(end) <= Date.parse(start)) {
    errors.end = 'The end must be after the start.';
  }
  if (start === null || end === null || Object.keys(errors).length > 0) return { errors };
  const reason = values.reason.trim();
  return { body: { user, start, end, ...(reason === '' ? {} : { reason }) } };
}

/** The server's problem, each field error next to its field (paths like body.end). */
function errorsOf(error: unknown): Errors {
  if (!(error instanceof ApiError)) {
    return { form: error instanceof Error ? error.message : String(error) };
  }
  if (error.status === 403) {
    return { form: "This token may not change this schedule: its team's editors and admins may." };
  }
  const errors: Errors = {};
  const unplaced: string[] = [];
  for (const fieldError of error.fieldErrors) {
    const field = FIELDS.find((name) => new RegExp(`(^|[.\\]])${name}$`).test(fieldError.path));
    if (field === undefined) unplaced.push(fieldError.message);
    else
      errors[field] =
        errors[field] === undefined ? fieldError.message : `${errors[field]} ${fieldError.message}`;
  }
  if (unplaced.length > 0 || Object.keys(errors).length === 0) {
    errors.form = [error.message, ...unplaced].join(': ');
  }
  return errors;
}

/** Layer members, offered as suggestions (the document is the stored Schedule). */
function membersOf(document: unknown): string[] {
  const layers = (document as { spec?: { layers?: { members?: unknown }[] } } | null)?.spec?.layers;
  if (!Array.isArray(layers)) return [];
  const members = new Set<string>();
  for (const layer of layers) {
    if (Array.isArray(layer.members)) {
      for (const member of layer.members) if (typeof member === 'string') members.add(member);
    }
  }
  return [...members].sort();
}
