// Sign-in: paste an API token. It is checked against the API before it is kept.
import { useId, useState, type SubmitEvent } from 'react';
import { ApiError, apiGet } from '../api/client';
import { signIn } from './session';

type Check =
  | { readonly kind: 'idle' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'refused'; readonly message: string };

export function SignInScreen({ endedBecause }: { readonly endedBecause: string | null }) {
  const [token, setToken] = useState('');
  const [check, setCheck] = useState<Check>({ kind: 'idle' });
  const fieldId = useId();
  const errorId = useId();

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const candidate = token.trim();
    if (candidate === '') {
      setCheck({ kind: 'refused', message: 'Paste an API token first.' });
      return;
    }
    setCheck({ kind: 'checking' });
    // Any read proves the token; teams is the smallest. A token that may read
    // nothing (403) still signs in: the screens then hide what it may not see.
    apiGet('/api/v1/teams', { token: candidate }).then(
      () => {
        signIn(candidate);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 403) {
          signIn(candidate);
          return;
        }
        const message =
          error instanceof ApiError && error.status === 401
            ? `The server did not accept this token: ${error.message}.`
            : error instanceof Error
              ? error.message
              : String(error);
        setCheck({ kind: 'refused', message });
      },
    );
  };

  const refused = check.kind === 'refused';
  return (
    <main className="sign-in" id="main">
      <form className="sign-in-card" onSubmit={submit} aria-labelledby={`${fieldId}-title`}>
        <h1 id={`${fieldId}-title`}>
          <span className="logo" aria-hidden="true">
            ◔
          </span>{' '}
          Headroom
        </h1>
        {endedBecause === null ? null : (
          <p className="notice" role="status">
            {endedBecause}
          </p>
        )}
        <label htmlFor={fieldId}>API token</label>
        <input
          id={fieldId}
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="hr_…"
          value={token}
          onChange={(event) => {
            setToken(event.target.value);
          }}
          aria-invalid={refused}
          aria-describedby={`${errorId} ${fieldId}-help`}
          autoFocus
        />
        <p className="field-error" id={errorId} role={refused ? 'alert' : undefined}>
          {refused ? check.message : ''}
        </p>
        <p className="help" id={`${fieldId}-help`}>
          <code>headroom serve</code> prints an admin token when it creates a database; an admin
          makes more with <code>POST /api/v1/tokens</code> (a <code>viewer</code> token is enough to
          look). The token stays in this tab only and is forgotten when the tab closes.
        </p>
        <button
          type="submit"
          className="button button-primary"
          disabled={check.kind === 'checking'}
        >
          {check.kind === 'checking' ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
