import { describe, expect, it } from 'vitest';
import { parseStoredPreferences, validatePreferences } from './preferences';

describe('stored notification preferences', () => {
  it('are read defensively: malformed parts are dropped, not trusted', () => {
    expect(parseStoredPreferences(null)).toEqual({});
    expect(parseStoredPreferences(['sms'])).toEqual({});
    expect(parseStoredPreferences({ order: ['sms', 'pager', 'sms'], disabled: 'robot', digest: 'yes' })).toEqual({ order: ['sms'] });
    expect(parseStoredPreferences({ digest: false, disabled: ['robot'] })).toEqual({ disabled: ['robot'], digest: false });
  });

  it('must leave the user reachable', () => {
    const both = { mobile: '13800138000', email: 'a@example.cn' };
    expect(validatePreferences({}, { mobile: null, email: null })).toBeUndefined();
    expect(validatePreferences({ order: ['sms', 'email'], disabled: ['robot'] }, both)).toBeUndefined();
    expect(validatePreferences({ disabled: ['sms', 'email', 'robot'] }, both)).toContain('至少保留一种通知方式');
    expect(validatePreferences({ order: ['sms'] }, { ...both, mobile: null })).toContain('先填写手机号');
    expect(validatePreferences({ order: ['email'] }, { ...both, email: null })).toContain('先填写邮箱');
    expect(validatePreferences({ order: ['robot', 'robot'] }, both)).toContain('重复');
    expect(validatePreferences({ order: ['robot'], disabled: ['robot'] }, both)).toContain('“工作群机器人”已关闭');
  });
});
