// An incident's action items: what they are, who owns them, by when; added here, and
// marked done (PATCH). Tracked before and after the postmortem is published.
import { useId, useState, type SubmitEvent } from 'react';
import type { ActionItem, ActionItemInput, ActionItemPriority } from '../../api/types';
import { apiPatch, apiPost } from '../../api/client';
import { problemErrors, type FormErrors } from '../../api/problem-errors';
import { useApi } from '../../api/use-api';
import { PRIORITY_TEXT } from '../../format/incident';
import { FieldError, FormError } from '../../ui/FieldError';
import { LoadView } from '../../ui/LoadView';
import { Panel } from '../../ui/Panel';

const FORBIDDEN = 'This token may not change action items: a viewer only reads.';
const PRIORITIES: readonly ActionItemPriority[] = ['P1', 'P2', 'P3', 'P4'];

export function ActionItems({ incident }: { readonly incident: number }) {
  const items = useApi<ActionItem[]>(`/api/v1/action-items?incident=${String(incident)}`);
  if (items.load.kind === 'forbidden') return null;
  return (
    <Panel title="Action items" id="action-items">
      <LoadView load={items.load} what="action items" retry={items.reload}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">
              No action items yet. Each one gets an owner and a due date; P1 prevents a recurrence.
            </p>
          ) : (
            <ItemTable items={list} onChanged={items.reload} />
          )
        }
      </LoadView>
      <AddItemForm incident={incident} onAdded={items.reload} />
    </Panel>
  );
}

function ItemTable(props: {
  readonly items: readonly ActionItem[];
  readonly onChanged: () => void;
}) {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const markDone = (item: ActionItem) => {
    setBusy(item.id);
    setError(undefined);
    apiPatch<ActionItem>(`/api/v1/action-items/${encodeURIComponent(item.id)}`, {
      status: 'done',
    }).then(
      () => {
        setBusy(null);
        props.onChanged();
      },
      (failure: unknown) => {
        setBusy(null);
        setError(problemErrors(failure, [], FORBIDDEN).form);
      },
    );
  };
  return (
    <>
      <div className="table-scroll">
        <table className="numbers-table">
          <caption className="visually-hidden">Action items</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Priority</th>
              <th scope="col">Owner</th>
              <th scope="col">Team</th>
              <th scope="col">Due</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Change</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => {
              const closed = item.status === 'done' || item.status === 'wont-do';
              return (
                <tr key={item.id} data-action-item={item.id}>
                  <th scope="row" data-field="title">
                    {item.title}
                  </th>
                  <td title={PRIORITY_TEXT[item.priority]}>{item.priority}</td>
                  <td data-field="owner">{item.owner}</td>
                  <td>{item.team}</td>
                  <td>{item.dueAt === null ? '—' : item.dueAt.slice(0, 10)}</td>
                  <td data-field="status">
                    <span className={`badge item-${item.status}`}>
                      <span aria-hidden="true">{closed ? '✓' : '○'}</span> {item.status}
                    </span>
                    {item.overdue ? (
                      <span className="badge overdue" data-field="overdue">
                        <span aria-hidden="true">!</span> overdue
                      </span>
                    ) : null}
                  </td>
                  <td>
                    {closed ? null : (
                      <button
                        type="button"
                        className="button"
                        disabled={busy === item.id}
                        onClick={() => {
                          markDone(item);
                        }}
                        aria-label={`Mark “${item.title}” done`}
                      >
                        Mark done
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <FormError message={error} />
    </>
  );
}

type Field = 'title' | 'owner' | 'priority' | 'dueAt';
const FIELDS: readonly Field[] = ['title', 'owner', 'priority', 'dueAt'];

function AddItemForm(props: { readonly incident: number; readonly onAdded: () => void }) {
  const id = useId();
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [priority, setPriority] = useState<ActionItemPriority>('P2');
  const [due, setDue] = useState('');
  const [errors, setErrors] = useState<FormErrors<Field>>({});
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setDone(null);
    const found: FormErrors<Field> = {};
    if (title.trim() === '') found.title = 'What is to be done?';
    if (owner.trim() === '') found.owner = 'Who owns it? Enter their user name.';
    if (due !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(due)) found.dueAt = 'Give a date, or none.';
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    const body: ActionItemInput = {
      title: title.trim(),
      owner: owner.trim(),
      priority,
      // Due at the end of the day, in UTC.
      ...(due === '' ? {} : { dueAt: `${due}T23:59:59Z` }),
    };
    setErrors({});
    setSending(true);
    apiPost<ActionItem>(`/api/v1/incidents/${String(props.incident)}/action-items`, body).then(
      (item) => {
        setSending(false);
        setTitle('');
        setOwner('');
        setDue('');
        setDone(`Added for ${item.owner} (${item.team}).`);
        props.onAdded();
      },
      (error: unknown) => {
        setSending(false);
        setErrors(problemErrors(error, FIELDS, FORBIDDEN));
      },
    );
  };

  const invalid = (field: Field) => ({
    'aria-invalid': errors[field] !== undefined,
    'aria-describedby': `${id}-${field}-error`,
  });

  return (
    <form
      className="incident-form"
      onSubmit={submit}
      noValidate
      aria-labelledby={`${id}-title`}
      data-form="action-item"
    >
      <h3 id={`${id}-title`}>Add an action item</h3>
      <div className="form-grid">
        <div className="form-field form-field-wide">
          <label htmlFor={`${id}-what`}>Action</label>
          <input
            id={`${id}-what`}
            type="text"
            value={title}
            onChange={(event) => {
              setTitle(event.target.value);
            }}
            {...invalid('title')}
          />
          <FieldError id={`${id}-title-error`} field="title" message={errors.title} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-owner`}>Owner</label>
          <input
            id={`${id}-owner`}
            type="text"
            autoComplete="off"
            value={owner}
            onChange={(event) => {
              setOwner(event.target.value);
            }}
            {...invalid('owner')}
          />
          <FieldError id={`${id}-owner-error`} field="owner" message={errors.owner} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-priority`}>Priority</label>
          <select
            id={`${id}-priority`}
            value={priority}
            onChange={(event) => {
              setPriority(event.target.value as ActionItemPriority);
            }}
            {...invalid('priority')}
          >
            {PRIORITIES.map((value) => (
              <option key={value} value={value}>
                {PRIORITY_TEXT[value]}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-priority-error`} field="priority" message={errors.priority} />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-due`}>Due (optional)</label>
          <input
            id={`${id}-due`}
            type="date"
            value={due}
            onChange={(event) => {
              setDue(event.target.value);
            }}
            {...invalid('dueAt')}
          />
          <FieldError id={`${id}-dueAt-error`} field="dueAt" message={errors.dueAt} />
        </div>
      </div>
      <FormError message={errors.form} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={sending}>
          {sending ? 'Adding…' : 'Add action item'}
        </button>
        <span role="status" className="form-status">
          {done}
        </span>
      </div>
    </form>
  );
}
