// The report as a file: the token travels in a header, not a cookie, so a plain link
// cannot fetch it. Fetched with the token, then handed to the browser as a Blob.
import { ApiError, NetworkError } from '../../api/client';
import type { Problem } from '../../api/types';
import { currentToken, signOut } from '../../auth/token-store';

export async function downloadReport(path: string, filename: string): Promise<void> {
  const token = currentToken();
  let response: Response;
  try {
    response = await fetch(path, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!response.ok) {
    let problem: Problem | null = null;
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      problem = (await response.json().catch(() => null)) as Problem | null;
    }
    if (response.status === 401)
      signOut(`Signed out: ${problem?.detail ?? 'the token was not accepted'}.`);
    throw new ApiError(response.status, problem);
  }
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The browser has taken the file once the click is handled.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
