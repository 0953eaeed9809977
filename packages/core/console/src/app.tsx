/**
 * The console: asks who is signed in, then shows the sign-in page or the shell (header, navigation, page).
 */
import { useEffect, useState } from 'preact/hooks';
import { messageOf, onSessionLost } from './api.js';
import { ErrorMessage } from './components/error-message.js';
import { Shell } from './shell.js';
import { SignInPage } from './pages/sign-in-page.js';
import { signInErrorMessage, takeSignInErrorCode } from './sign-in-error.js';
import { takeSessionAndManifest } from './first-read.js';
import type { ConsoleManifest, ConsoleSession } from './session.js';

type State =
  | { phase: 'loading' }
  | { phase: 'failed'; message: string }
  | { phase: 'ready'; session: ConsoleSession | null; manifest: ConsoleManifest; notice?: string };

export function App() {
  const [state, setState] = useState<State>({ phase: 'loading' });

  const load = async (): Promise<void> => {
    try {
      const failedSignIn = takeSignInErrorCode();
      const [session, manifest] = await takeSessionAndManifest();
      setState({
        phase: 'ready',
        session,
        manifest,
        ...(failedSignIn ? { notice: signInErrorMessage(failedSignIn, manifest.signIns) } : {}),
      });
    } catch (error) {
      setState({ phase: 'failed', message: messageOf(error) });
    }
  };

  useEffect(() => {
    void load();
    // A request refused with 401 means the session expired or its key was revoked: back to the sign-in page.
    return onSessionLost(() =>
      setState((current) =>
        current.phase === 'ready' && current.session
          ? { ...current, session: null, notice: 'Your session has ended. Sign in again to continue.' }
          : current,
      ),
    );
  }, []);

  if (state.phase === 'loading') {
    return (
      <main class="centered" aria-busy="true">
        <p>Loading the Sluice console…</p>
      </main>
    );
  }
  if (state.phase === 'failed') {
    return (
      <main class="centered">
        <h1>Sluice console</h1>
        <ErrorMessage message={`The console could not reach the server: ${state.message}`} />
        <button type="button" class="button" onClick={() => void load()}>
          Try again
        </button>
      </main>
    );
  }
  if (!state.session) {
    // The manifest may depend on who is signed in: read it again with the new session.
    return <SignInPage manifest={state.manifest} notice={state.notice} onSignedIn={() => void load()} />;
  }
  return (
    <Shell session={state.session} manifest={state.manifest} onSignedOut={() => setState({ ...state, session: null, notice: undefined })} />
  );
}
