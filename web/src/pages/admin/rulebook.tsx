// The rubric as the system reads it: every rule with the verbatim clause it
// implements, so anyone can check a deduction against the text.
import { useState } from 'react';
import { useT, type MessageKey } from '../../i18n';
import rulebook from 'virtual:rulebook';

const titleById = new Map(rulebook.rules.map((r) => [r.id, r.title]));
/** Notes in the YAML point at other rules by id; people read the rule's title instead. */
const readable = (text: string) =>
  text.replace(/[a-z][a-z-]*\.[a-z][a-z.-]*[a-z]/g, (id) => (titleById.has(id) ? `「${titleById.get(id)}」` : id));

export function RulebookPage() {
  const t = useT();
  const [query, setQuery] = useState('');
  const q = query.trim();
  const rules = q
    ? rulebook.rules.filter((r) => [r.id, r.title, r.item, r.clause, r.requirement ?? ''].some((s) => s.includes(q)))
    : rulebook.rules;
  return (
    <section aria-labelledby="rb-title">
      <h1 id="rb-title">{t('rulebook.title', { title: rulebook.title, year: rulebook.year, version: rulebook.version })}</h1>
      <label htmlFor="rb-search">{t('rulebook.search')}</label>
      <input id="rb-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      <p className="muted small" aria-live="polite">
        {t('rulebook.count', { count: rules.length })}
      </p>
      {rulebook.sections.map((section) => {
        const mine = rules.filter((r) => r.section === section.number);
        if (mine.length === 0) return null;
        return (
          <section key={section.number} aria-labelledby={`sec-${section.number}`}>
            <h2 id={`sec-${section.number}`}>
              {section.number}. {section.title}
            </h2>
            <ul className="rules">
              {mine.map((r) => (
                <li key={r.id} className="rule">
                  <p>
                    <strong>{r.title}</strong> <span className="badge">{t(`kind.${r.kind}` as MessageKey)}</span>
                    {r.amount > 0 && <span className="risk"> −{r.amount}</span>}
                  </p>
                  {r.clause && <blockquote className="clause">{r.clause}</blockquote>}
                  {r.requirement && (
                    <p className="small">
                      <span className="muted">{t('rulebook.requirement')}：</span>
                      {r.requirement}
                    </p>
                  )}
                  {r.note && <p className="small muted">{readable(r.note)}</p>}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </section>
  );
}
