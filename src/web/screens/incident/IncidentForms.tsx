// What responders change on an incident: a status update, a role hand-over, a note,
// the resolution. Each is one PATCH (or POST …/resolve); the server's problem is shown
// with the form, its field errors next to their field.
import { useId, useState, type ReactNode, type SubmitEvent } from 'react';
import type { Incident, IncidentRole, IncidentStatus, UpdateIncidentInput } from '../../api/types';
import { apiPatch, apiPost } from '../../api/client';
import { problemErrors, type FormErrors } from '../../api/problem-errors';
import { INCIDENT_ROLES, INCIDENT_STATUSES, ROLE_LABELS } from '../../format/incident';
import { FieldError, FormError } from '../../ui/FieldError';

const FORBIDDEN = 'This token may not change incidents: a viewer only reads.';

/** One write at a time, its errors, and what it did (read out when it appears). */
function useWrite<F extends string>(fields: readonly F[]) {
  const [sending, setSending] = useState(false);
  const [errors, setErrors] = useState<FormErrors<F>>({});
  const [done, setDone] = useState<string | null>(null);
  const run = (request: () => Promise<Incident>, success: (incident: Incident) => string) => {
    setSending(true);
    setDone(null);
    setErrors({});
    request().then(
      (incident) => {
        setSending(false);
        setDone(success(incident));
      },
      (error: unknown) => {
        setSending(false);
        setErrors(problemErrors(error, fields, FORBIDDEN));
      },
    );
  };
  return { sending, errors, setErrors, done, run };
}

const patch = (incident: Incident, body: UpdateIncidentInput) =>
  apiPatch<Incident>(`/api/v1/incidents/${String(incident.id)}`, body);

function FormShell(props: {
  readonly id: string;
  readonly title: string;
  readonly name: string;
  readonly onSubmit: (event: SubmitEvent) => void;
  readonly error: string | undefined;
  readonly done: string | null;
  readonly button: ReactNode;
  readonly children: ReactNode;
}) {
  return (
    <form
      className="incident-form"
      onSubmit={props.onSubmit}
      noValidate
      aria-labelledby={`${props.id}-title`}
      data-form={props.name}
    >
      <h3 id={`${props.id}-title`}>{props.title}</h3>
      {props.children}
      <FormError message={props.error} />
      <div className="form-actions">
        {props.button}
        <span role="status" className="form-status">
          {props.done}
        </span>
      </div>
    </form>
  );
}

export function StatusForm(props: { readonly incident: Incident; readonly onChanged: () => void }) {
  const { incident } = props;
  const id = useId();
  const [status, setStatus] = useState<IncidentStatus>(incident.status);
  // The choice follows the incident when its status changes (here or by someone else).
  const [basedOn, setBasedOn] = useState<IncidentStatus>(incident.status);
  if (basedOn !== incident.status) {
    setBasedOn(incident.status);
    setStatus(incident.status);
  }
  const [message, setMessage] = useState('');
  const write = useWrite(['status', 'message'] as const);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const changed = status !== incident.status;
    if (!changed && message.trim() === '') {
      write.setErrors({ message: 'Change the status or write an update for stakeholders.' });
      return;
    }
    const body: UpdateIncidentInput = {
      ...(changed ? { status } : {}),
      ...(message.trim() === '' ? {} : { message: message.trim() }),
    };
    write.run(
      () => patch(incident, body),
      (updated) => {
        setMessage('');
        props.onChanged();
        return changed ? `Status is now ${updated.status}.` : 'Update posted.';
      },
    );
  };
  return (
    <FormShell
      id={id}
      name="status"
      title="Post a status update"
      onSubmit={submit}
      error={write.errors.form}
      done={write.done}
      button={
        <button type="submit" className="button button-primary" disabled={write.sending}>
          {write.sending ? 'Posting…' : 'Post update'}
        </button>
      }
    >
      <div className="form-field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={status}
          onChange={(event) => {
            setStatus(event.target.value as IncidentStatus);
          }}
          aria-describedby={`${id}-status-error`}
        >
          {INCIDENT_STATUSES.map((value) => (
            <option key={value} value={value}>
              {value}
              {value === incident.status ? ' (now)' : ''}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-status-error`} field="status" message={write.errors.status} />
      </div>
      <div className="form-field">
        <label htmlFor={`${id}-message`}>Message for stakeholders</label>
        <textarea
          id={`${id}-message`}
          rows={3}
          value={message}
          onChange={(event) => {
            setMessage(event.target.value);
          }}
          aria-invalid={write.errors.message !== undefined}
          aria-describedby={`${id}-message-error`}
        />
        <FieldError id={`${id}-message-error`} field="message" message={write.errors.message} />
      </div>
    </FormShell>
  );
}

export function RoleForm(props: { readonly incident: Incident; readonly onChanged: () => void }) {
  const { incident } = props;
  const id = useId();
  const [role, setRole] = useState<IncidentRole>('commander');
  const [person, setPerson] = useState('');
  const write = useWrite(['roles', 'person'] as const);
  const holder = incident.roles[role]?.person ?? null;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const who = person.trim();
    if (who === '' && holder === null) {
      write.setErrors({ person: 'Nobody holds this role: name who takes it.' });
      return;
    }
    write.run(
      () => patch(incident, { roles: { [role]: who === '' ? null : who } }),
      () => {
        setPerson('');
        props.onChanged();
        return who === ''
          ? `${ROLE_LABELS[role]} released.`
          : `${who} is now ${ROLE_LABELS[role].toLowerCase()}.`;
      },
    );
  };
  const people = [
    ...new Set(
      incident.roleHistory.flatMap((change) => [change.to, change.from, change.by]).filter(isName),
    ),
  ].sort();
  return (
    <FormShell
      id={id}
      name="role"
      title="Hand over a role"
      onSubmit={submit}
      error={write.errors.form ?? write.errors.roles}
      done={write.done}
      button={
        <button type="submit" className="button button-primary" disabled={write.sending}>
          {write.sending ? 'Handing over…' : 'Hand over'}
        </button>
      }
    >
      <div className="form-grid">
        <div className="form-field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select
            id={`${id}-role`}
            value={role}
            onChange={(event) => {
              setRole(event.target.value as IncidentRole);
            }}
          >
            {INCIDENT_ROLES.map((value) => (
              <option key={value} value={value}>
                {ROLE_LABELS[value]}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-person`}>Person</label>
          <input
            id={`${id}-person`}
            type="text"
            list={`${id}-people`}
            autoComplete="off"
            value={person}
            onChange={(event) => {
              setPerson(event.target.value);
            }}
            aria-invalid={write.errors.person !== undefined}
            aria-describedby={`${id}-person-error ${id}-person-help`}
          />
          <datalist id={`${id}-people`}>
            {people.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <p className="help" id={`${id}-person-help`}>
            Now: {holder ?? 'nobody'}. Leave empty to release the role.
          </p>
          <FieldError id={`${id}-person-error`} field="person" message={write.errors.person} />
        </div>
      </div>
    </FormShell>
  );
}

const isName = (value: string | null): value is string => value !== null && value !== '';

export function NoteForm(props: { readonly incident: Incident; readonly onChanged: () => void }) {
  const { incident } = props;
  const id = useId();
  const [note, setNote] = useState('');
  const write = useWrite(['note'] as const);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (note.trim() === '') {
      write.setErrors({ note: 'Write the note first.' });
      return;
    }
    write.run(
      () => patch(incident, { note: note.trim() }),
      () => {
        setNote('');
        props.onChanged();
        return 'Note added to the timeline.';
      },
    );
  };
  return (
    <FormShell
      id={id}
      name="note"
      title="Add a note"
      onSubmit={submit}
      error={write.errors.form}
      done={write.done}
      button={
        <button type="submit" className="button" disabled={write.sending}>
          {write.sending ? 'Adding…' : 'Add note'}
        </button>
      }
    >
      <div className="form-field">
        <label htmlFor={`${id}-note`}>Note (for the timeline, not sent to stakeholders)</label>
        <textarea
          id={`${id}-note`}
          rows={2}
          value={note}
          onChange={(event) => {
            setNote(event.target.value);
          }}
          aria-invalid={write.errors.note !== undefined}
          aria-describedby={`${id}-note-error`}
        />
        <FieldError id={`${id}-note-error`} field="note" message={write.errors.note} />
      </div>
    </FormShell>
  );
}

export function ResolveForm(props: {
  readonly incident: Incident;
  readonly onChanged: () => void;
}) {
  const { incident } = props;
  const id = useId();
  const [message, setMessage] = useState('');
  const write = useWrite(['message'] as const);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    write.run(
      () =>
        apiPost<Incident>(
          `/api/v1/incidents/${String(incident.id)}/resolve`,
          message.trim() === '' ? {} : { message: message.trim() },
        ),
      () => {
        setMessage('');
        props.onChanged();
        return 'Resolved.';
      },
    );
  };
  return (
    <FormShell
      id={id}
      name="resolve"
      title="Resolve"
      onSubmit={submit}
      error={write.errors.form}
      done={write.done}
      button={
        <button type="submit" className="button button-primary" disabled={write.sending}>
          {write.sending ? 'Resolving…' : 'Resolve incident'}
        </button>
      }
    >
      <div className="form-field">
        <label htmlFor={`${id}-message`}>Closing update (optional)</label>
        <input
          id={`${id}-message`}
          type="text"
          value={message}
          placeholder="Stable for 30 minutes"
          onChange={(event) => {
            setMessage(event.target.value);
          }}
          aria-describedby={`${id}-message-error`}
        />
        <FieldError id={`${id}-message-error`} field="message" message={write.errors.message} />
      </div>
    </FormShell>
  );
}
