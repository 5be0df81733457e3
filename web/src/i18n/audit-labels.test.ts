// The audit page names every action in Chinese: an action the API records
// without a label would read 其他操作 (this list drifted before it was shared).
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../domain/audit-actions';
import { zhCN } from './zh-CN';

describe('audit labels', () => {
  it('every action the audit log records has a Chinese label, and no label is left for an action nobody records', () => {
    const labels = zhCN as Record<string, string>;
    expect(AUDIT_ACTIONS.filter((a) => !labels[`audit.action.${a}`])).toEqual([]);
    const labelled = Object.keys(labels)
      .filter((k) => k.startsWith('audit.action.'))
      .map((k) => k.slice('audit.action.'.length));
    expect(labelled.filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });
});
