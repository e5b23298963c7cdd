// An incident's postmortem: the Markdown and its preview, saved with compare-and-set
// (the revision edited), the sections still to write, sentences that blame a person,
// the review, and the action items.
import { useDeferredValue, useId, useRef, useState } from 'react';
import type { Incident, Postmortem, PostmortemStatus } from '../../api/types';
import { ApiError, apiGet, apiPost, apiPut } from '../../api/client';
import { problemErrors } from '../../api/problem-errors';
import { useApi } from '../../api/use-api';
import { formatInstant } from '../../format/time';
import { Markdown } from '../../markdown/Markdown';
import { paths } from '../../router/routes';
import { FormError } from '../../ui/FieldError';
import { LoadView } from '../../ui/LoadView';
import { Breadcrumb } from '../../ui/Breadcrumb';
import { Panel } from '../../ui/Panel';
import { useTitle } from '../../ui/use-title';
import { ActionItems } from './ActionItems';
import { DraftPostmortem } from './DraftPostmortem';
import { Findings } from './Findings';

const FORBIDDEN = 'This token may not write postmortems: a viewer only reads.';

export function PostmortemScreen({ id }: { readonly id: number }) {
  useTitle(`Postmortem INC-${String(id)}`);
  const base = `/api/v1/incidents/${String(id)}`;
  const incident = useApi<Incident>(base);
  const postmortem = useApi<Postmortem>(`${base}/postmortem`);
  return (
    <div className="screen">
      <Breadcrumb
        trail={[
          { label: 'Incidents', href: paths.incidents() },
          { label: `INC-${String(id)}`, href: paths.incident(id) },
          { label: 'postmortem' },
        ]}
      />
      {/* An unknown incident has no postmortem to draft: the incident's own not-found
          screen, as /incidents/<id> shows it, not "No postmortem yet" and its forms. */}
      <LoadView load={incident.load} what={`incident INC-${String(id)}`} retry={incident.reload}>
        {(found) => (
          <>
            <div className="screen-header">
              <div>
                <h1>
                  Postmortem: INC-{String(id)} — {found.title}
                </h1>
              </div>
            </div>
            {postmortem.load.kind === 'not-found' ? (
              <Panel title="No postmortem yet" id="postmortem-draft">
                <DraftPostmortem incident={{ id }} />
              </Panel>
            ) : (
              <LoadView load={postmortem.load} what="the postmortem" retry={postmortem.reload}>
                {(loaded) => <Editor key={loaded.incident} initial={loaded} />}
              </LoadView>
            )}
            {postmortem.load.kind === 'forbidden' ? (
              <p className="muted">This token may not read postmortems.</p>
            ) : null}
            <ActionItems incident={id} />
          </>
        )}
      </LoadView>
    </div>
  );
}

type SaveState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'saved'; readonly revision: number }
  | { readonly kind: 'conflict'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

function Editor({ initial }: { readonly initial: Postmortem }) {
  const id = useId();
  const [saved, setSaved] = useState<Postmortem>(initial);
  const [text, setText] = useState(initial.markdown);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const [reviewError, setReviewError] = useState<string | undefined>(undefined);
  const [reviewing, setReviewing] = useState(false);
  const preview = useDeferredValue(text);
  const editor = useRef<HTMLTextAreaElement>(null);
  const dirty = text !== saved.markdown;
  const published = saved.status === 'published';
  const path = `/api/v1/incidents/${String(saved.incident)}/postmortem`;

  const submit = () => {
    setSave({ kind: 'saving' });
    apiPut<Postmortem>(path, { markdown: text, revision: saved.revision }).then(
      (answer) => {
        setSaved(answer);
        setSave({ kind: 'saved', revision: answer.revision });
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 409) {
          setSave({
            kind: 'conflict',
            message: `Someone saved this postmortem after you opened revision ${String(saved.revision)}: ${error.message}. Your text is still here; copy what you need, then load their version and edit again.`,
          });
          return;
        }
        setSave({ kind: 'error', message: problemErrors(error, [], FORBIDDEN).form ?? '' });
      },
    );
  };

  const loadTheirs = () => {
    apiGet<Postmortem>(path).then(
      (answer) => {
        setSaved(answer);
        setText(answer.markdown);
        setSave({ kind: 'idle' });
      },
      (error: unknown) => {
        setSave({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
  };

  const review = (status: PostmortemStatus) => {
    setReviewing(true);
    setReviewError(undefined);
    apiPost<Postmortem>(`${path}/review`, { status }).then(
      (answer) => {
        setReviewing(false);
        setSaved(answer);
        setText(answer.markdown);
      },
      (error: unknown) => {
        setReviewing(false);
        setReviewError(problemErrors(error, [], FORBIDDEN).form);
      },
    );
  };

  /** Puts the caret at a finding (1-based line and column, as the API counts). */
  const jumpTo = (line: number, column: number) => {
    const area = editor.current;
    if (area === null) return;
    const lines = text.split('\n');
    let offset = 0;
    for (let index = 0; index < line - 1 && index < lines.length; index += 1) {
      offset += (lines[index]?.length ?? 0) + 1;
    }
    offset += Math.max(0, column - 1);
    area.focus();
    area.setSelectionRange(offset, offset);
  };

  return (
    <>
      <section className="panel" aria-labelledby={`${id}-review-title`} data-panel="review">
        <header className="panel-header">
          <h2 id={`${id}-review-title`}>Review</h2>
          <span className={`badge review review-${saved.status}`} data-field="review">
            {saved.status}
          </span>
        </header>
        <p className="muted small">
          Revision <span data-field="revision">{saved.revision}</span>, saved{' '}
          {formatInstant(saved.updatedAt)} by {saved.updatedBy}
          {saved.publishedAt === null ? '' : `; published ${formatInstant(saved.publishedAt)}`}.
          Draft → in review → published; published is final (corrections go in an addendum).
        </p>
        <div className="form-actions">
          {saved.status === 'draft' ? (
            <ReviewButton
              label="Send for review"
              disabled={reviewing || dirty}
              onClick={() => {
                review('in-review');
              }}
            />
          ) : null}
          {saved.status === 'in-review' ? (
            <>
              <ReviewButton
                label="Publish"
                primary
                disabled={reviewing || dirty}
                onClick={() => {
                  review('published');
                }}
              />
              <ReviewButton
                label="Back to draft"
                disabled={reviewing || dirty}
                onClick={() => {
                  review('draft');
                }}
              />
            </>
          ) : null}
          {dirty && !published ? (
            <span className="muted small">Save your edits before moving the review on.</span>
          ) : null}
        </div>
        <FormError message={reviewError} />
      </section>

      <div className="postmortem-checks">
        <Panel title="Sections to write" id="unwritten">
          {saved.unwrittenSections.length === 0 ? (
            <p className="muted">Every section is written.</p>
          ) : (
            <>
              <p className="muted small">
                These still hold <code>[to write]</code>; publishing waits for them.
              </p>
              <ul className="plain-list">
                {saved.unwrittenSections.map((section) => (
                  <li key={section} data-unwritten={section}>
                    {section}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <Panel title="Blameless language" id="findings">
          <Findings findings={saved.blamelessFindings} revision={saved.revision} onJump={jumpTo} />
        </Panel>
      </div>

      <section className="panel" aria-labelledby={`${id}-edit-title`} data-panel="editor">
        <header className="panel-header">
          <h2 id={`${id}-edit-title`}>Postmortem</h2>
          <span className="muted small" role="status" data-field="save-state">
            {save.kind === 'saved' && !dirty
              ? `Saved as revision ${String(save.revision)}.`
              : dirty
                ? 'Unsaved changes.'
                : ''}
          </span>
        </header>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
          aria-labelledby={`${id}-edit-title`}
        >
          <div className="editor-grid">
            <div className="form-field">
              <label htmlFor={`${id}-markdown`}>Markdown</label>
              <textarea
                id={`${id}-markdown`}
                ref={editor}
                className="markdown-editor"
                spellCheck
                readOnly={published}
                value={text}
                onChange={(event) => {
                  setText(event.target.value);
                }}
                aria-describedby={`${id}-save-error`}
              />
            </div>
            <div className="preview" aria-label="Preview" role="region" data-field="preview">
              <p className="preview-label" aria-hidden="true">
                Preview
              </p>
              <Markdown markdown={preview} headingOffset={1} />
            </div>
          </div>
          <div id={`${id}-save-error`}>
            {save.kind === 'conflict' ? (
              <div className="error-box" role="alert" data-field-error="conflict">
                <strong>Not saved: someone saved meanwhile</strong>
                <p>{save.message}</p>
                <button type="button" className="button" onClick={loadTheirs}>
                  Load the saved version (discards your edits)
                </button>
              </div>
            ) : null}
            <FormError message={save.kind === 'error' ? save.message : undefined} />
          </div>
          {published ? (
            <p className="muted">Published: the postmortem is final and no longer edited here.</p>
          ) : (
            <div className="form-actions">
              <button
                type="submit"
                className="button button-primary"
                disabled={!dirty || save.kind === 'saving'}
              >
                {save.kind === 'saving' ? 'Saving…' : 'Save'}
              </button>
              <button
                type="button"
                className="button button-quiet"
                disabled={!dirty}
                onClick={() => {
                  setText(saved.markdown);
                }}
              >
                Discard edits
              </button>
            </div>
          )}
        </form>
      </section>
    </>
  );
}

function ReviewButton(props: {
  readonly label: string;
  readonly primary?: boolean;
  readonly disabled: boolean;
  readonly onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={`button ${props.primary === true ? 'button-primary' : ''}`}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}
