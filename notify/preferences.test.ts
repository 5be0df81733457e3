import { describe, expect, it } from 'vitest';
import { parseStoredPreferences, validatePreferences } from './preferences';
import { DEFAULT_ROLE_ROUTES } from './routing';
import type { RecipientPreferences } from './events';

describe('stored notification preferences', () => {
  it('are read defensively: malformed parts are dropped, not trusted', () => {
    expect(parseStoredPreferences(null)).toEqual({});
    expect(parseStoredPreferences(['sms'])).toEqual({});
    expect(parseStoredPreferences({ order: ['sms', 'pager', 'sms'], disabled: 'robot', digest: 'yes' })).toEqual({ order: ['sms'] });
    expect(parseStoredPreferences({ digest: false, disabled: ['robot'] })).toEqual({ disabled: ['robot'], digest: false });
  });

  it('must leave the user reachable', () => {
    const both: { mobile: string | null; email: string | null } = { mobile: '13800138000', email: 'a@example.cn' };
    const staff = DEFAULT_ROLE_ROUTES.staff;
    const check = (prefs: RecipientPreferences, contact = both, route = staff) => validatePreferences({ prefs, contact }, route);
    expect(check({}, { mobile: null, email: null })).toBeUndefined(); // the community robot needs no contact
    expect(check({ order: ['sms', 'email'], disabled: ['robot'] })).toBeUndefined();
    expect(check({ disabled: ['sms', 'email', 'robot'] })).toContain('至少保留一种通知方式');
    expect(check({ order: ['sms'] }, { ...both, mobile: null })).toContain('先填写手机号');
    expect(check({ order: ['email'] }, { ...both, email: null })).toContain('先填写邮箱');
    expect(check({ order: ['robot', 'robot'] })).toContain('重复');
    expect(check({ order: ['robot'], disabled: ['robot'] })).toContain('“工作群机器人”已关闭');
  });

  it('refuses a change that leaves the role’s routes with nothing that can reach the user, unless it already could not', () => {
    const leader = DEFAULT_ROLE_ROUTES.area_leader; // email, then SMS
    const admin = DEFAULT_ROLE_ROUTES.admin; // routine: email only
    const had = { prefs: {}, contact: { mobile: null, email: 'l@example.cn' } };
    // An area leader with no mobile clears the email: nothing would reach them.
    expect(validatePreferences({ prefs: {}, contact: { mobile: null, email: null } }, leader, had)).toContain('将无法送达');
    // An admin turns email off: their routine route has nothing left (SMS only backs up escalations).
    expect(
      validatePreferences({ prefs: { disabled: ['email'] }, contact: { mobile: '13800138000', email: 'a@example.cn' } }, admin, had),
    ).toContain('将无法送达');
    // ... unless they put SMS first, which the route then tries before the default.
    expect(
      validatePreferences(
        { prefs: { order: ['sms'], disabled: ['email'] }, contact: { mobile: '13800138000', email: 'a@example.cn' } },
        admin,
        had,
      ),
    ).toBeUndefined();
    // Someone unreachable already may save a step that does not yet fix it (adding a mobile, say).
    const nothing = { prefs: {}, contact: { mobile: null, email: null } };
    expect(validatePreferences({ prefs: {}, contact: { mobile: '13800138000', email: null } }, admin, nothing)).toBeUndefined();
  });
});
