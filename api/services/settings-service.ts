// The logged-in user's own settings: contact details and how duban reaches
// them (channel order, opt-outs, daily digest), with what applies today given
// the server's notification config. Every role may change its own; nobody
// else's is reachable here (admins manage accounts in user-service.ts).
import type { Actor } from '../../db/audit-repository';
import type { SessionUser } from '../../db/auth-repository';
import type { SettingsRepository } from '../../db/settings-repository';
import { routingPolicyFrom, type NotifyConfig } from '../../notify';
import { notifyRoleOf } from '../../notify/account-role';
import { parseStoredPreferences, validatePreferences } from '../../notify/preferences';
import type { RecipientPreferences } from '../../notify/events';
import { DEFAULT_ROLE_ROUTES, reachableMedia, type RoutingPolicy } from '../../notify/routing';
import { BadRequestError } from '../errors';

/** Fields left out stay as they are; null clears a contact. */
export interface SettingsChange {
  mobile?: string | null;
  email?: string | null;
  preferences?: RecipientPreferences;
}

export function settingsService(deps: { settings: SettingsRepository; notify?: NotifyConfig }) {
  // What is configured on this server (no notify config: nothing is).
  const policy: RoutingPolicy = deps.notify
    ? routingPolicyFrom(deps.notify)
    : { quietHours: { start: '22:00', end: '07:00', enabled: false }, available: { email: false, sms: false, robotCommunities: [] } };

  async function get(user: Pick<SessionUser, 'id' | 'scope'>) {
    const row = await deps.settings.get(user.id);
    const preferences = parseStoredPreferences(row.notifyPrefs);
    const role = notifyRoleOf(row.role);
    const recipient = {
      userId: user.id,
      name: '',
      role,
      preferences,
      ...(row.mobile ? { mobile: row.mobile } : {}),
      ...(row.email ? { email: row.email } : {}),
    };
    // A robot group reaches me when one of my communities has one.
    const communityId = user.scope.find((c) => policy.available.robotCommunities.includes(c)) ?? user.scope[0] ?? '';
    return {
      mobile: row.mobile,
      email: row.email,
      preferences,
      roleDefaults: DEFAULT_ROLE_ROUTES[role],
      reachToday: {
        routine: reachableMedia(recipient, communityId, policy, 'routine'),
        escalation: reachableMedia(recipient, communityId, policy, 'escalation'),
      },
    };
  }

  return {
    get,

    /** A change that would leave no way to reach the person is refused (invalid_preferences). */
    async update(user: Pick<SessionUser, 'id' | 'scope'>, change: SettingsChange, actor: Actor) {
      const current = await get(user);
      const next = {
        mobile: change.mobile === undefined ? current.mobile : change.mobile,
        email: change.email === undefined ? current.email : change.email,
        preferences: change.preferences ?? current.preferences,
      };
      const problem = validatePreferences(
        { prefs: next.preferences, contact: { mobile: next.mobile, email: next.email } },
        current.roleDefaults,
        { prefs: current.preferences, contact: { mobile: current.mobile, email: current.email } },
      );
      if (problem) throw new BadRequestError(problem, 'invalid_preferences');
      // Contact details are personal data: the audit says which fields changed, not their values.
      const changed = (['mobile', 'email', 'preferences'] as const).filter((k) => change[k] !== undefined);
      await deps.settings.update(user.id, { ...next, preferences: { ...next.preferences }, changed }, actor);
      return get(user);
    },
  };
}

export type SettingsService = ReturnType<typeof settingsService>;
