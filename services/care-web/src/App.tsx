import { useEffect, useState } from 'react';
import { currentSession, loadConfig, signIn, signOut, type ConsoleConfig, type Session } from './auth';
import { useI18n, type Language } from './i18n';
import { BoardPage } from './pages/BoardPage';
import { PersonPage } from './pages/PersonPage';
import { SearchPage } from './pages/SearchPage';

/** Hash routes (#/person/<id>, #/board) keep the console's paths apart from the API's. */
function useRoute(): string {
  const [route, setRoute] = useState(window.location.hash.slice(1) || '/');
  useEffect(() => {
    const onChange = () => setRoute(window.location.hash.slice(1) || '/');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function App() {
  const { t, language, setLanguage } = useI18n();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const route = useRoute();

  useEffect(() => {
    loadConfig()
      .then(async (loaded) => {
        setConfig(loaded);
        setSession(await currentSession(loaded));
      })
      .catch((failure: unknown) => setError(String(failure)));
  }, []);

  const supervisor = session?.roles.includes('care-supervisor') ?? false;
  const personId = route.startsWith('/person/') ? decodeURIComponent(route.slice('/person/'.length)) : null;

  return (
    <>
      <header className="bar">
        <h1>{t('app.title')}</h1>
        <nav aria-label="main">
          {session && <a href="#/">{t('nav.search')}</a>}
          {session && supervisor && <a href="#/board">{t('nav.board')}</a>}
        </nav>
        <label className="language">
          {t('app.language')}{' '}
          <select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
            <option value="en">English</option>
            <option value="ur">اردو</option>
          </select>
        </label>
        {session && config && (
          <span className="who">
            {t('app.signedInAs', { user: session.username })}{' '}
            <button type="button" onClick={() => signOut(config)}>
              {t('app.signOut')}
            </button>
          </span>
        )}
      </header>
      <main>
        {error && (
          <p role="alert" className="error">
            {t('error.prefix', { message: error })}
          </p>
        )}
        {!config && !error && <p>{t('app.loading')}</p>}
        {config && !session && (
          <section className="card">
            <p>{t('app.signInPrompt')}</p>
            <button type="button" onClick={() => void signIn(config)}>
              {t('app.signIn')}
            </button>
          </section>
        )}
        {session && route === '/board' && supervisor && <BoardPage session={session} />}
        {session && personId && (
          <PersonPage session={session} personId={personId} reason={reason} supervisor={supervisor} />
        )}
        {session && !personId && route !== '/board' && (
          <SearchPage session={session} reason={reason} onReason={setReason} />
        )}
      </main>
    </>
  );
}
