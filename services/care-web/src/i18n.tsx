import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import en from './messages/en.json';
import ur from './messages/ur.json';

export type Language = 'en' | 'ur';
export type MessageKey = keyof typeof en;

// Urdu must say everything English says: a missing key fails the type-check here.
const catalogues: Record<Language, Record<MessageKey, string>> = { en, ur };

interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(
    () => (localStorage.getItem('care-web.language') as Language | null) ?? 'en',
  );
  useEffect(() => {
    localStorage.setItem('care-web.language', language);
    document.documentElement.lang = language;
    document.documentElement.dir = language === 'ur' ? 'rtl' : 'ltr';
    document.title = catalogues[language]['app.title'];
  }, [language]);
  const t = (key: MessageKey, vars: Record<string, string | number> = {}) =>
    catalogues[language][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
  return <I18nContext.Provider value={{ language, setLanguage, t }}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}
