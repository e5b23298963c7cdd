import { useState } from 'react';
import type { Postmortem } from '../../api/types';
import { apiPost } from '../../api/client';
import { problemErrors } from '../../api/problem-errors';
import { navigate, paths } from '../../router/router';
import { FormError } from '../../ui/FieldError';

/** The first draft, written by the server from what it knows; then the editor opens. */
export function DraftPostmortem({ incident }: { readonly incident: { readonly id: number } }) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <div>
      <p className="muted">
        No postmortem yet. The draft fills in what Headroom knows (times, SLOs and budget, timeline,
        deploys, the response) and marks what people write.
      </p>
      <button
        type="button"
        className="button button-primary"
        disabled={sending}
        onClick={() => {
          setSending(true);
          setError(undefined);
          apiPost<Postmortem>(`/api/v1/incidents/${String(incident.id)}/postmortem`, {}).then(
            () => {
              navigate(paths.postmortem(incident.id));
            },
            (failure: unknown) => {
              setSending(false);
              setError(
                problemErrors(
                  failure,
                  [],
                  'This token may not write postmortems: a viewer only reads.',
                ).form,
              );
            },
          );
        }}
      >
        {sending ? 'Drafting…' : 'Draft postmortem'}
      </button>
      <FormError message={error} />
    </div>
  );
}
