// t() looks a key up in the chosen language, falls back to Chinese, and fills {placeholders}.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { zhCN, type MessageKey } from './zh-CN';
import { en } from './en';

export type Lang = 'zh-CN' | 'en';
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const tables: Record<Lang, Partial<Record<MessageKey, string>>> = { 'zh-CN': zhCN, en };

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text: string = tables[lang][key] ?? zhCN[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

interface I18n {
  lang: Lang;
  t: Translate;
  setLang(lang: Lang): void;
}
const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem('duban.lang') === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    document.documentElement.lang = l;
    try {
      localStorage.setItem('duban.lang', l);
    } catch {
      /* private mode: keep for this visit only */
    }
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (key, params) => translate(lang, key, params) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

export const useT = (): Translate => useI18n().t;
export type { MessageKey };
